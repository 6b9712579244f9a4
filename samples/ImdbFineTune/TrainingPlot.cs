namespace ImdbFineTune;

/// <summary>Draws the training loss and validation accuracy curves into one PNG (two y axes, shared step axis).</summary>
internal static class TrainingPlot
{
    public static void Save(string path, IReadOnlyList<(double Step, double Loss)> trainLoss,
        IReadOnlyList<(double Step, double Accuracy)> validAccuracy)
    {
        var plot = new ScottPlot.Plot();
        plot.Title("IMDb fine-tuning");
        plot.XLabel("optimizer step");
        if (trainLoss.Count > 0)
        {
            var loss = plot.Add.Scatter(trainLoss.Select(p => p.Step).ToArray(), trainLoss.Select(p => p.Loss).ToArray());
            loss.LegendText = "training loss";
            plot.Axes.Left.Label.Text = "training loss";
        }
        if (validAccuracy.Count > 0)
        {
            var accuracy = plot.Add.Scatter(validAccuracy.Select(p => p.Step).ToArray(), validAccuracy.Select(p => p.Accuracy).ToArray());
            accuracy.LegendText = "validation accuracy";
            accuracy.Axes.YAxis = plot.Axes.Right;
            plot.Axes.Right.Label.Text = "validation accuracy";
        }
        plot.ShowLegend();
        plot.SavePng(path, 900, 500);
    }
}
