using System.Diagnostics;
using System.Text.RegularExpressions;
using System.Xml.Linq;
using DistilBert.Sharp.Inference;
using DistilBert.Sharp.Tests.Infrastructure;

namespace DistilBert.Sharp.Tests.Samples;

/// <summary>
/// The README's quick start, exactly as printed: the C# block is extracted from README.md, compiled as the top-level
/// program of a fresh console project (ImplicitUsings on, as <c>dotnet new console</c> makes it) that references the
/// library, and run in a folder where <c>distilbert-base-uncased</c> is a tiny local model (a local folder wins over a
/// Hub id, as in HF) and <c>aclImdb</c> is a synthetic data set.
/// </summary>
[Collection(TorchRngCollection.Name)]
public class ReadmeQuickStartTests
{
    [Fact]
    public async Task Quick_start_compiles_as_printed_and_trains_saves_and_classifies()
    {
        string repo = RepositoryRoot();
        string code = ExtractQuickStart(File.ReadAllText(Path.Combine(repo, "README.md")));
        using var temp = new TempDirectory();

        string project = Directory.CreateDirectory(temp.Combine("QuickStart")).FullName;
        File.WriteAllText(Path.Combine(project, "Program.cs"), code);
        File.WriteAllText(Path.Combine(project, "QuickStart.csproj"), ProjectFile(repo));
        var build = await RunAsync("dotnet", ["build", "-c", "Release", "--nologo", "-v", "q", "-p:TreatWarningsAsErrors=true"], project);
        Assert.True(build.ExitCode == 0, "The README quick start does not compile as printed:\n" + build.Output);

        string work = Directory.CreateDirectory(temp.Combine("work")).FullName;
        TinyImdb.WriteDataset(work, perLabel: 24);
        TinyImdb.WriteModel(Path.Combine(work, "distilbert-base-uncased"));
        var run = await RunAsync("dotnet", [Path.Combine(project, "bin", "Release", "net10.0", "QuickStart.dll")], work);
        Assert.True(run.ExitCode == 0, "The quick start failed:\n" + run.Output);

        // The output comment: a label and its score.
        string last = run.Output.TrimEnd().Split('\n')[^1].Trim();
        Assert.Matches(@"^(NEGATIVE|POSITIVE) (0|1)\.\d\d$", last);
        // Progress is visible while it trains: 48 reviews, batch 16 = 3 steps, and the first and last step always log.
        Assert.Matches(new Regex(@"Step 1/3 \(33%\), epoch [\d.]+: loss [\d.]+, lr [^,]+, \d+:\d\d elapsed, ETA \d+:\d\d"), run.Output);
        Assert.Contains("Step 3/3 (100%)", run.Output);
        Assert.True(Directory.Exists(Path.Combine(work, "out", "checkpoint-3")));
        foreach (string file in new[] { "config.json", "model.safetensors", "vocab.txt", "tokenizer.json" })
            Assert.True(File.Exists(Path.Combine(work, "out", "final", file)), file);

        // The score it printed is the saved model's.
        using var pipeline = TextClassificationPipeline.FromPretrained(Path.Combine(work, "out", "final"));
        var best = pipeline.Predict("A wonderful, moving film.")[0];
        Assert.Equal($"{best.Label} {best.Score:F2}", last);
    }

    /// <summary>The first <c>```csharp</c> block under <c>## Quick start</c>.</summary>
    internal static string ExtractQuickStart(string readme)
    {
        int section = readme.IndexOf("## Quick start", StringComparison.Ordinal);
        Assert.True(section >= 0, "README.md has no '## Quick start' section");
        var block = Regex.Match(readme[section..], @"```csharp\r?\n(.*?)\r?\n```", RegexOptions.Singleline);
        Assert.True(block.Success, "the Quick start section has no csharp block");
        return block.Groups[1].Value + "\n";
    }

    private static string ProjectFile(string repo)
    {
        var versions = XDocument.Load(Path.Combine(repo, "Directory.Packages.props")).Descendants("PackageVersion")
            .ToDictionary(e => (string)e.Attribute("Include")!, e => (string)e.Attribute("Version")!);
        return $"""
            <Project Sdk="Microsoft.NET.Sdk">
              <PropertyGroup>
                <OutputType>Exe</OutputType>
                <TargetFramework>net10.0</TargetFramework>
                <ImplicitUsings>enable</ImplicitUsings>
                <Nullable>enable</Nullable>
                <ManagePackageVersionsCentrally>false</ManagePackageVersionsCentrally>
              </PropertyGroup>
              <ItemGroup>
                <ProjectReference Include="{Path.Combine(repo, "src", "DistilBert.Sharp", "DistilBert.Sharp.csproj")}" />
                <PackageReference Include="TorchSharp-cpu" Version="{versions["TorchSharp-cpu"]}" />
                <PackageReference Include="Microsoft.Extensions.Logging.Console" Version="{versions["Microsoft.Extensions.Logging.Console"]}" />
              </ItemGroup>
            </Project>
            """;
    }

    private static string RepositoryRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "DistilBert.Sharp.sln"))) return dir.FullName;
        }
        throw new DirectoryNotFoundException("Repository root (DistilBert.Sharp.sln) not found above " + AppContext.BaseDirectory);
    }

    private static async Task<(int ExitCode, string Output)> RunAsync(string file, string[] args, string workingDirectory)
    {
        var start = new ProcessStartInfo(file)
        {
            WorkingDirectory = workingDirectory, RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false,
        };
        foreach (string arg in args) start.ArgumentList.Add(arg);
        start.Environment["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1";
        start.Environment["DOTNET_NOLOGO"] = "1";
        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(5));
        try
        {
            await process.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"{file} {string.Join(' ', args)} did not finish in 5 minutes.");
        }
        return (process.ExitCode, await stdout + await stderr);
    }
}
