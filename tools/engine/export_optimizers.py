"""Writes the TorchScript graphs of the engine's optimiser updates, each run in one native call.

`adam-step.pt` is one Adam update, torch.optim.Adam's for one tensor, written op for op as the
engine's `Adam` did it in Java (lerp for the first moment, the bias corrections folded into the
step), in place on the image and the two moments. `lbfgs-direction.pt` is L-BFGS's two-loop
recursion over the stored curvature pairs, op for op as the engine's `Lbfgs` did it in Java (the
dot products read in float64, times 1/(y.s) in float64, rounded to the image's type to scale a
vector). Each replaces dozens of DJL operations a step (each a Java object, and on a GPU each
value read or scalar made a wait for the device) with one call; the numbers are the same.

    python3 -m pip install torch
    python3 tools/engine/export_optimizers.py src/engine/src/main/resources/dev/stylize/engine/optim

Made with torch 2.13 (CPU); they load in libtorch 2.7.1, DJL 0.36's engine.
"""
import os
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


class LbfgsDirection(torch.nn.Module):
    def forward(self, gradient: torch.Tensor, s: List[torch.Tensor], y: List[torch.Tensor],
                rho: torch.Tensor, hessian_diagonal: torch.Tensor) -> torch.Tensor:
        """-H g from the pairs (s, y), oldest first, rho[i] = 1/(y_i.s_i) and the scaling of H0
        in float64."""
        q = gradient.neg()
        alpha: List[torch.Tensor] = []
        for i in range(len(s)):
            alpha.append(rho[i])
        for i in range(len(s) - 1, -1, -1):
            alpha[i] = q.dot(s[i]).to(torch.float64) * rho[i]
            q.sub_(y[i].mul(alpha[i].to(q.dtype)))
        r = q.mul_(hessian_diagonal.to(q.dtype))
        for i in range(len(s)):
            beta = r.dot(y[i]).to(torch.float64) * rho[i]
            r.sub_(s[i].mul((beta - alpha[i]).to(r.dtype)))
        return r


if __name__ == "__main__":
    folder = sys.argv[1]
    torch.jit.script(AdamStep()).save(os.path.join(folder, "adam-step.pt"))
    torch.jit.script(LbfgsDirection()).save(os.path.join(folder, "lbfgs-direction.pt"))
