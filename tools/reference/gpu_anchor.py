"""PyTorch eager's Gatys step on a CUDA GPU (VGG19 to conv5_1, seed losses, Adam), the baseline for
`bin/stylize bench` there: at several sizes, in fp32, TF32 and bf16 autocast, NCHW and channels-last,
median ms per step and peak GPU memory; random weights (speed does not depend on their values).

    python3 tools/reference/gpu_anchor.py 512 1024 2048
"""
import json, statistics, sys, time, contextlib
import torch

CFG = [64, 64, 'M', 128, 128, 'M', 256, 256, 256, 256, 'M', 512, 512, 512, 512, 'M', 512]
TAPS = {0: 'conv1_1', 2: 'conv2_1', 4: 'conv3_1', 8: 'conv4_1', 9: 'conv4_2', 12: 'conv5_1'}  # conv index -> tap (after its ReLU)
STYLE_W = {'conv1_1': 1.0, 'conv2_1': 0.75, 'conv3_1': 0.2, 'conv4_1': 0.2, 'conv5_1': 0.2}


def net(dev):
    torch.manual_seed(0)
    layers, c = [], 3
    for v in CFG:
        if v == 'M':
            layers.append(torch.nn.MaxPool2d(2, 2))
        else:
            layers += [torch.nn.Conv2d(c, v, 3, padding=1), torch.nn.ReLU(inplace=False)]
            c = v
    m = torch.nn.Sequential(*layers).to(dev).eval()
    for p in m.parameters():
        p.requires_grad_(False)
    return m


def feats(x, m, prec):
    out, ci = {}, 0
    ctx = torch.autocast('cuda', dtype=torch.bfloat16) if prec == 'bf16' else contextlib.nullcontext()
    with ctx:
        for layer in m:
            x = layer(x)
            if isinstance(layer, torch.nn.ReLU):
                if ci in TAPS:
                    out[TAPS[ci]] = x
                ci += 1
    return {k: v.float() for k, v in out.items()}


def gram(t):
    _, d, h, w = t.shape
    t = t.reshape(d, h * w)
    return t @ t.t()


def bench(size, prec, cl, iters=20, warm=5):
    dev = 'cuda'
    torch.backends.cuda.matmul.allow_tf32 = prec == 'tf32'
    torch.backends.cudnn.allow_tf32 = prec == 'tf32'
    torch.backends.cudnn.benchmark = True
    m = net(dev)
    fmt = torch.channels_last if cl else torch.contiguous_format
    if cl:
        m = m.to(memory_format=torch.channels_last)
    content = torch.randn(1, 3, size, size, device=dev).contiguous(memory_format=fmt)
    style = torch.randn(1, 3, size, size, device=dev).contiguous(memory_format=fmt)
    with torch.no_grad():
        ct = feats(content, m, prec)['conv4_2']
        sg = {k: gram(v) for k, v in feats(style, m, prec).items() if k in STYLE_W}
    x = content.clone().requires_grad_(True)
    opt = torch.optim.Adam([x], lr=0.003)
    torch.cuda.synchronize(); torch.cuda.reset_peak_memory_stats()
    times = []
    for i in range(warm + iters):
        t0 = time.perf_counter()
        f = feats(x, m, prec)
        loss = torch.mean((f['conv4_2'] - ct) ** 2)
        for l, w in STYLE_W.items():
            _, d, h, ww = f[l].shape
            loss = loss + 1e6 * w * torch.mean((gram(f[l]) - sg[l]) ** 2) / (d * h * ww)
        opt.zero_grad(); loss.backward(); opt.step()
        torch.cuda.synchronize()
        if i >= warm:
            times.append((time.perf_counter() - t0) * 1000)
    return {'size': size, 'precision': prec, 'channels_last': cl,
            'median_ms': round(statistics.median(times), 3), 'min_ms': round(min(times), 3),
            'peak_gib': round(torch.cuda.max_memory_allocated() / 2**30, 2)}


if __name__ == '__main__':
    print(json.dumps({'torch': torch.__version__, 'cuda': torch.version.cuda,
                      'cudnn': torch.backends.cudnn.version(), 'gpu': torch.cuda.get_device_name(0)}), flush=True)
    sizes = [int(s) for s in sys.argv[1:]] or [512, 1024, 2048]
    for size in sizes:
        for prec in ['fp32', 'tf32', 'bf16']:
            for cl in [False, True]:
                try:
                    print(json.dumps(bench(size, prec, cl)), flush=True)
                except Exception as e:  # e.g. out of memory at the largest size
                    print(json.dumps({'size': size, 'precision': prec, 'channels_last': cl, 'error': str(e)[:200]}), flush=True)
                torch.cuda.empty_cache()
