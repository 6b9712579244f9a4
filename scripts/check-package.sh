#!/usr/bin/env bash
# Packs the library and proves the package works for a consumer: a scratch console app that references only the
# .nupkg plus TorchSharp-cpu creates a tensor through the library.
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
