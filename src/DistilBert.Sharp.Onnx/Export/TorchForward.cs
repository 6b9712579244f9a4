using DistilBert.Sharp.Modeling;
using TorchSharp;

namespace DistilBert.Sharp.Onnx;

/// <summary>The library's own forward on a padded batch, its outputs under optimum's names (CPU, eval, no grad).</summary>
internal static class TorchForward
{
    public static Dictionary<string, (float[] Data, long[] Shape)> Run(PreTrainedModel model, IReadOnlyList<int[]> rows, int padId,
        IReadOnlyList<int[]>? tokenTypes = null)
    {
        var (ids, mask, types, batch, seq) = PaddedBatch.From(rows, padId, tokenTypes);
        bool wasTraining = model.training;
        model.eval();
        try
        {
            using var scope = torch.NewDisposeScope();
            using var noGrad = torch.no_grad();
            var inputs = new ModelInputs(torch.tensor(ids, [batch, seq]), torch.tensor(mask, [batch, seq]),
                model is BertPreTrainedModel ? torch.tensor(types, [batch, seq]) : null);
            var output = model.call(inputs);
            var result = new Dictionary<string, (float[], long[])>();
            void Put(string name, torch.Tensor? t)
            {
                if (t is null) return;
                var c = t.to_type(torch.ScalarType.Float32).contiguous();
                result[name] = (c.data<float>().ToArray(), c.shape);
            }
            Put("last_hidden_state", output.LastHiddenState);
            Put("pooler_output", output.PoolerOutput);
            Put("logits", output.Logits);
            if (output is QuestionAnsweringOutput qa)
            {
                Put("start_logits", qa.StartLogits);
                Put("end_logits", qa.EndLogits);
            }
            return result;
        }
        finally
        {
            model.train(wasTraining);
        }
    }
}
