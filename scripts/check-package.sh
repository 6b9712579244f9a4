#!/usr/bin/env bash
# Packs the library and proves the package works for a consumer: a scratch console app that references only the
# .nupkg plus TorchSharp-cpu creates a tensor through the library. Then the same for DistilBert.Sharp.Onnx: an app
# that references only DistilBert.Sharp.Onnx + Microsoft.ML.OnnxRuntime (no TorchSharp-cpu, so no libtorch) classifies
# with an exported folder and must reproduce the TorchSharp pipeline's labels and scores.
set -euo pipefail
cd "$(dirname "$0")/.."
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
dotnet pack src/DistilBert.Sharp -c Release -o "$work/feed" -p:ContinuousIntegrationBuild=true >/dev/null
nupkg=$(ls "$work"/feed/DistilBert.Sharp.*.nupkg | grep -v snupkg | head -n 1)
version=$(basename "$nupkg" .nupkg); version=${version#DistilBert.Sharp.}
echo "check-package: built $(basename "$nupkg") and $(ls "$work"/feed/*.snupkg | xargs -n1 basename)"
unzip -l "$nupkg" | grep -E 'README.md|DistilBert.Sharp.xml|DistilBert.Sharp.dll' >/dev/null \
  || { echo "check-package: package lacks README, XML docs or the assembly" >&2; exit 1; }

mkdir -p "$work/app"
cat > "$work/app/nuget.config" <<XML
<configuration><packageSources><add key="local" value="$work/feed" /></packageSources></configuration>
XML
cat > "$work/app/App.csproj" <<XML
<Project Sdk="Microsoft.NET.Sdk">
  <PropertyGroup><OutputType>Exe</OutputType><TargetFramework>net10.0</TargetFramework><Nullable>enable</Nullable>
  <ManagePackageVersionsCentrally>false</ManagePackageVersionsCentrally></PropertyGroup>
  <ItemGroup>
    <PackageReference Include="DistilBert.Sharp" Version="$version" />
    <PackageReference Include="TorchSharp-cpu" Version="0.107.0" />
  </ItemGroup>
</Project>
XML
cat > "$work/app/Program.cs" <<'CS'
using DistilBert.Sharp.Runtime;
TorchRuntime.EnsureLoaded();
using var t = TorchSharp.torch.arange(6).reshape(2, 3);
System.Console.WriteLine($"tensor through DistilBert.Sharp: shape [{string.Join(",", t.shape)}], sum {t.sum().item<long>()}");
CS
# Build outside this repository's Directory.Build.props / Directory.Packages.props.
(cd "$work/app" && dotnet run -c Release)

# --- DistilBert.Sharp.Onnx: a libtorch-free consumer ---------------------------------------------------------------
dotnet pack src/DistilBert.Sharp.Onnx -c Release -o "$work/feed" -p:ContinuousIntegrationBuild=true >/dev/null
onnx_nupkg=$(ls "$work"/feed/DistilBert.Sharp.Onnx.*.nupkg | grep -v snupkg | head -n 1)
unzip -l "$onnx_nupkg" | grep -E 'README.md|DistilBert.Sharp.Onnx.xml|DistilBert.Sharp.Onnx.dll' >/dev/null \
  || { echo "check-package: $(basename "$onnx_nupkg") lacks README, XML docs or the assembly" >&2; exit 1; }
echo "check-package: built $(basename "$onnx_nupkg")"
# The exported folder: a tiny classifier plus expected.tsv (the TorchSharp pipeline's answers), written by one test.
DISTILBERT_SHARP_ONNX_SAMPLE_DIR="$work/sample" dotnet test tests/DistilBert.Sharp.Onnx.Tests -c Release \
  --filter "FullyQualifiedName~ConsumerFolderTests" --nologo -v q | tail -n 3

mkdir -p "$work/onnxapp"
cp "$work/app/nuget.config" "$work/onnxapp/"
cat > "$work/onnxapp/OnnxApp.csproj" <<XML
<Project Sdk="Microsoft.NET.Sdk">
  <PropertyGroup><OutputType>Exe</OutputType><TargetFramework>net10.0</TargetFramework><Nullable>enable</Nullable><ImplicitUsings>enable</ImplicitUsings>
  <ManagePackageVersionsCentrally>false</ManagePackageVersionsCentrally></PropertyGroup>
  <ItemGroup>
    <PackageReference Include="DistilBert.Sharp.Onnx" Version="$version" />
    <PackageReference Include="Microsoft.ML.OnnxRuntime" Version="1.31.1" />
  </ItemGroup>
</Project>
XML
cat > "$work/onnxapp/Program.cs" <<'CS'
using System.Globalization;
using DistilBert.Sharp.Onnx;
string dir = args[0];
using var pipeline = new OnnxTextClassificationPipeline(dir);
int failures = 0;
foreach (string line in File.ReadAllLines(Path.Combine(dir, "expected.tsv")))
{
    string[] f = line.Split('\t');
    var top = pipeline.Predict(f[0])[0];
    bool ok = top.Label == f[1] && Math.Abs(top.Score - float.Parse(f[2], CultureInfo.InvariantCulture)) < 1e-4;
    if (!ok) failures++;
    Console.WriteLine($"{(ok ? "ok  " : "FAIL")} '{f[0]}' -> {top.Label} {top.Score:F5} (expected {f[1]} {f[2]})");
}
bool torchLoaded = File.ReadAllText("/proc/self/maps").Contains("libtorch", StringComparison.Ordinal);
Console.WriteLine($"libtorch loaded in this process: {torchLoaded}");
return failures == 0 && !torchLoaded ? 0 : 1;
CS
(cd "$work/onnxapp" && dotnet build -c Release -o "$work/onnxapp/out" --nologo -v q | tail -n 5)
if ls "$work"/onnxapp/out/libtorch* "$work"/onnxapp/out/runtimes/*/native/libtorch* >/dev/null 2>&1; then
  echo "check-package: the ONNX consumer app carries libtorch" >&2; exit 1
fi
dotnet "$work/onnxapp/out/OnnxApp.dll" "$work/sample"
echo "check-package: DistilBert.Sharp.Onnx consumer classified with ONNX Runtime only"
