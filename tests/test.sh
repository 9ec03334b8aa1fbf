#!/usr/bin/env bash
# The test command: installs what the tests need (tests/install-deps.sh), restores the local .NET
# tools, then runs every test project of the solution. Extra arguments go to `dotnet test`.
set -euo pipefail
cd "$(dirname "$0")/.."
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1
bash tests/install-deps.sh
dotnet tool restore > /dev/null
exec dotnet test IrqVerify.sln "$@"
