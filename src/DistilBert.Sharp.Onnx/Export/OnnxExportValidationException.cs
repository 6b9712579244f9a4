namespace DistilBert.Sharp.Onnx;

/// <summary>The exported graph does not reproduce the TorchSharp model within the tolerance (nothing was written).</summary>
public sealed class OnnxExportValidationException : Exception
{
    /// <summary>Creates the exception.</summary>
    public OnnxExportValidationException(string message) : base(message) { }

    /// <summary>Creates the exception.</summary>
    public OnnxExportValidationException() { }

    /// <summary>Creates the exception.</summary>
    public OnnxExportValidationException(string message, Exception inner) : base(message, inner) { }
}
