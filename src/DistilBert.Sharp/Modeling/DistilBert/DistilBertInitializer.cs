namespace DistilBert.Sharp.Modeling;

/// <summary>
/// HF's <c>DistilBertPreTrainedModel._init_weights</c>: the shared normal/zero/one initialisation of
/// <see cref="WeightInitializer"/>, then the padding row of the word embeddings zero and, when configured, the
/// sinusoidal position table.
/// </summary>
internal static class DistilBertInitializer
{
    public static void Initialize(DistilBertPreTrainedModel model)
    {
        WeightInitializer.InitializeModules(model, model.DistilBertConfig.InitializerRange);
        foreach (var (_, module) in model.named_modules())
            if (module is Embeddings embeddings) embeddings.InitializeSpecialRows();
    }
}
