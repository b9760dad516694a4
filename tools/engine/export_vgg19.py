"""Writes the TorchScript graph that runs VGG19's feature part for the engine.

The engine runs VGG through this graph in every precision, one native call per pass. In bfloat16
the graph casts inside itself (DJL 0.36's JNI has no bfloat16 type; casting to it aborts the JVM)
and runs channels-last, the layout oneDNN's bf16 convolutions want; in float32 it runs
channels-first, where libtorch 2.7.1's oneDNN computes the backward pass about twice as fast as
channels-last. The graph holds no weights: the engine passes its float32 weights once to `prepare`
(copies, bf16 and channels-last if asked) and then the image and those copies to `forward`, which
returns the requested post-ReLU activations in the image's type. Autograd runs through it;
`gradient` backpropagates closed-form gradients of several activations to the image in one
backward pass, and `evaluate` does a whole untiled step's loss and gradient in one call (at the
photo itself, it can take the content target from its own forward pass and return it).

    python3 -m pip install torch
    python3 tools/engine/export_vgg19.py \
        src/engine/src/main/resources/dev/stylize/engine/model/vgg19-features.pt

Made with torch 2.13 (CPU); it loads in libtorch 2.7.1, DJL 0.36's engine.
"""
import sys
from typing import List, Optional

import torch
import torch.nn.functional as F


class Vgg19Features(torch.nn.Module):
    @torch.jit.export
    def prepare(self, tensors: List[torch.Tensor], bf16: torch.Tensor) -> List[torch.Tensor]:
        """Copies; in bf16 if asked, and then 4-d kernels channels-last."""
        out: List[torch.Tensor] = []
        for t in tensors:
            b = t.to(torch.bfloat16) if bool(bf16.item()) else t.clone()
            if b.dim() == 4 and bool(bf16.item()):
                b = b.contiguous(memory_format=torch.channels_last)
            out.append(b)
        return out

    def forward(self, image: torch.Tensor, kernels: List[torch.Tensor], biases: List[torch.Tensor],
                taps: torch.Tensor, average_pooling: torch.Tensor) -> List[torch.Tensor]:
        """Activations after the ReLU of each convolution index in `taps`, in ascending order."""
        wanted: List[int] = taps.tolist()
        deepest = max(wanted)
        average = bool(average_pooling.item())
        x = image.to(kernels[0].dtype)
        if not kernels[1].is_contiguous():
            x = x.contiguous(memory_format=torch.channels_last)
        out: List[torch.Tensor] = []
        for i in range(deepest + 1):
            # In place, as torchvision's VGG: the convolution's backward does not need its output.
            x = torch.relu_(F.conv2d(x, kernels[i], biases[i], 1, 1))
            if i in wanted:
                out.append(x.to(image.dtype))
            # A 2x2 pooling follows conv1_2, conv2_2, conv3_4 and conv4_4 (TorchScript cannot
            # read a module-level tuple).
            if (i == 1 or i == 3 or i == 7 or i == 11) and i < deepest:
                x = F.avg_pool2d(x, 2, 2) if average else F.max_pool2d(x, 2, 2)
        return out

    @torch.jit.export
    def evaluate(self, image: torch.Tensor, kernels: List[torch.Tensor], biases: List[torch.Tensor],
                 taps: torch.Tensor, average_pooling: torch.Tensor, style_positions: torch.Tensor,
                 style_targets: List[torch.Tensor], content_position: torch.Tensor, content_target: torch.Tensor,
                 factors: torch.Tensor, channels_last: torch.Tensor) -> List[torch.Tensor]:
        """The loss's sums of squares and its gradient with respect to `image`, in one call.

        `taps` are as `forward` takes them; the style layers' activations are at `style_positions`
        among them, the content layer's at `content_position`. Style layer i contributes sum((G - A_i)^2), G = F F^T of its activations as a
        (d, h*w) matrix, and the closed-form gradient factors[i] (G - A_i) F; the content layer
        sum((T - C)^2) and factors[-1] (T - C). Returns [d/d(image), the sums as float64 in that
        order], and with an empty `content_target` the content layer's activations C, contiguous;
        the caller weighs the sums. The same operations, in the same order, as `forward`,
        the terms op by op and `gradient`, so the numbers are the same.
        """
        styles: List[int] = style_positions.tolist()
        x = image.clone()
        x.requires_grad_(True)
        features = self.forward(x, kernels, biases, taps, average_pooling)
        last = bool(channels_last.item())
        outputs: List[torch.Tensor] = []
        gradients: List[Optional[torch.Tensor]] = []
        sums: List[torch.Tensor] = []
        for i in range(len(styles)):
            f = features[styles[i]]
            d = f.size(1)
            h = f.size(2)
            w = f.size(3)
            # F, or F^T when channels-last, without a copy: the rules of the engine's FeatureMatrix.
            m = f.detach()
            m = m.permute(0, 2, 3, 1).reshape(h * w, d) if last else m.reshape(d, h * w)
            gram = torch.matmul(m.t(), m) if last else torch.matmul(m, m.t())
            difference = gram - style_targets[i]
            sums.append(torch.sum(torch.square(difference)))
            multiplier = difference * factors[i]
            outputs.append(f)
            gradients.append(torch.matmul(m, multiplier).reshape(1, h, w, d).permute(0, 3, 1, 2) if last
                             else torch.matmul(multiplier, m).reshape(f.shape))
        t = features[int(content_position.item())]
        # An empty target: the image is the photo, so its own activations are the target, returned
        # after the others; the very numbers a pass of `forward` on the photo gives.
        own = content_target.numel() == 0
        difference = t.detach() - (t.detach() if own else content_target)
        sums.append(torch.sum(torch.square(difference)))
        outputs.append(t)
        gradients.append(difference * factors[len(styles)])
        result = torch.autograd.grad(outputs, [x], gradients)[0]
        assert result is not None
        results = [result, torch.stack([s.to(torch.float64) for s in sums])]
        if own:
            results.append(t.detach().contiguous())
        return results

    @torch.jit.export
    def gradient(self, outputs: List[torch.Tensor], gradients: List[torch.Tensor],
                 input: torch.Tensor) -> torch.Tensor:
        """d(sum_i <gradients[i], outputs[i]>)/d(input): one backward pass for all outputs."""
        grads: List[Optional[torch.Tensor]] = []
        for g in gradients:
            grads.append(g)
        result = torch.autograd.grad(outputs, [input], grads)[0]
        assert result is not None
        return result


if __name__ == "__main__":
    torch.jit.script(Vgg19Features()).save(sys.argv[1])
