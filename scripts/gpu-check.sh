#!/usr/bin/env bash
# On a machine with a real GPU: checks that crowdtrain's WebGPU path runs there, and how fast.
#   1. the webgpu training test (a miner trains on the GPU, a wasm validator scores its delta);
#   2. bench train on webgpu, tiny and default model, against wasm on all cores in the same run.
# Needs the GPU's Vulkan driver and the Vulkan loader (Debian/Ubuntu: libvulkan1) on Linux, Metal on
# macOS, D3D12 on Windows. Prints the adapter WebGPU found: "swiftshader" means no GPU was found.
set -euo pipefail
cd "$(dirname "$0")/.."
unset VK_ICD_FILENAMES
[ -d node_modules ] || npm ci
echo "== webgpu training test (GPU)"
CROWDTRAIN_TEST_GPU=1 npx vitest run test/webgpu.test.ts
echo "== bench train --backend webgpu --preset tiny"
npx crowdtrain bench train --backend webgpu --preset tiny --json --log-level warn
echo "== bench train --backend webgpu (default model)"
npx crowdtrain bench train --backend webgpu --json --log-level warn
echo "== bench train --backend wasm, every core (the reference)"
npx crowdtrain bench train --json --log-level warn
