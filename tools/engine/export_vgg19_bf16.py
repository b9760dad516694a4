"""Writes the TorchScript graph that runs VGG19's convolutions in bfloat16 for the engine.

DJL 0.36's JNI has no bfloat16 data type (casting to it aborts the JVM), but a TorchScript
graph can cast inside itself. This graph holds no weights: the engine passes its own float32
weights once to `prepare` (bf16 copies, channels-last) and then the image and those copies to
`forward`, which returns the requested post-ReLU activations in float32. Autograd runs
through it, so the gradient with respect to the float32 image comes back to Java.

    python3 -m pip install torch
    python3 tools/engine/export_vgg19_bf16.py \
        src/engine/src/main/resources/dev/stylize/engine/model/vgg19-features-bf16.pt

Made with torch 2.13 (CPU); it loads in libtorch 2.7.1, DJL 0.36's engine.
"""
import sys
from typing import List

import torch
import torch.nn.functional as F


class Vgg19FeaturesBf16(torch.nn.Module):
    @torch.jit.export
    def prepare(self, tensors: List[torch.Tensor]) -> List[torch.Tensor]:
        """bf16 copies; 4-d kernels channels-last, the layout oneDNN's bf16 kernels want."""
        out: List[torch.Tensor] = []
        for t in tensors:
            b = t.to(torch.bfloat16)
            if b.dim() == 4:
                b = b.contiguous(memory_format=torch.channels_last)
            out.append(b)
        return out

    def forward(self, image: torch.Tensor, kernels: List[torch.Tensor], biases: List[torch.Tensor],
                taps: torch.Tensor, average_pooling: torch.Tensor) -> List[torch.Tensor]:
        """Activations after the ReLU of each convolution index in `taps`, in ascending order."""
        wanted: List[int] = taps.tolist()
        deepest = max(wanted)
        average = bool(average_pooling.item())
        x = image.to(torch.bfloat16).contiguous(memory_format=torch.channels_last)
        out: List[torch.Tensor] = []
        for i in range(deepest + 1):
            x = F.relu(F.conv2d(x, kernels[i], biases[i], 1, 1))
            if i in wanted:
                out.append(x.float())
            # A 2x2 pooling follows conv1_2, conv2_2, conv3_4 and conv4_4 (TorchScript cannot
            # read a module-level tuple).
            if (i == 1 or i == 3 or i == 7 or i == 11) and i < deepest:
                x = F.avg_pool2d(x, 2, 2) if average else F.max_pool2d(x, 2, 2)
        return out


if __name__ == "__main__":
    torch.jit.script(Vgg19FeaturesBf16()).save(sys.argv[1])
