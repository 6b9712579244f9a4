namespace DistilBert.Sharp.Data.Archives;

/// <summary>What an extraction did.</summary>
/// <param name="FilesExtracted">Files present in the target after this run that came from the archive.</param>
/// <param name="EntriesSkipped">Entries not extracted (filtered out, links, special files).</param>
/// <param name="AlreadyComplete">True when the completion marker showed an earlier run had finished, so nothing was read.</param>
public sealed record ExtractionResult(long FilesExtracted, long EntriesSkipped, bool AlreadyComplete);
