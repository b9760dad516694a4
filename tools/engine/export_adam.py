"""Writes the TorchScript graph of one Adam update, which the engine's `Adam` runs in one native call.

The update is torch.optim.Adam's for one tensor, written op for op as the engine's Adam did it in
Java (lerp for the first moment, the bias corrections folded into the step), in place on the
image and the two moments: one call a step instead of about twenty (each a Java object, and on a
GPU each scalar a copy from the host that waits for the device).

    python3 -m pip install torch
    python3 tools/engine/export_adam.py src/engine/src/main/resources/dev/stylize/engine/optim/adam-step.pt

Made with torch 2.13 (CPU); it loads in libtorch 2.7.1, DJL 0.36's engine.
"""
import sys
from typing import List

import torch


class AdamStep(torch.nn.Module):
    def forward(self, image: torch.Tensor, gradient: torch.Tensor, first_moment: torch.Tensor,
                second_moment: torch.Tensor, factors: torch.Tensor) -> List[torch.Tensor]:
        """Updates image and moments in place. `factors`, in the image's type: 1 - beta1, beta2,
        1 - beta2, sqrt(1 - beta2^t), epsilon, lr / (1 - beta1^t)."""
        first_moment.add_((gradient - first_moment).mul_(factors[0]))
        second_moment.mul_(factors[1]).add_(gradient.square().mul_(factors[2]))
        denominator = second_moment.sqrt().div_(factors[3]).add_(factors[4])
        image.sub_((first_moment / denominator).mul_(factors[5]))
        return []


if __name__ == "__main__":
    torch.jit.script(AdamStep()).save(sys.argv[1])
