package dev.stylize.engine.model;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.regex.Pattern;

/**
 * The number format VGG19's convolutions run in. Gram matrices, losses, the gradient and the
 * optimised image stay float32 either way.
 */
public enum Precision {
    FP32,
    /** bfloat16 convolutions: about 1.7x faster on CPUs with AVX-512 bf16, tensor cores on CUDA. */
    BF16;

    private static final Pattern NATIVE_BF16 = Pattern.compile("\\b(avx512_bf16|amx_bf16)\\b");

    /**
     * BF16 where the CPU computes bfloat16 natively (Linux reports AVX-512 bf16 or AMX), FP32
     * elsewhere: emulated bf16 would be slower than float32, not faster.
     */
    public static Precision bestForThisCpu() {
        try {
            return bestFor(Files.readString(Path.of("/proc/cpuinfo")));
        } catch (IOException | RuntimeException e) {
            return FP32;
        }
    }

    /** @param cpuinfo the text of Linux's {@code /proc/cpuinfo} */
    static Precision bestFor(String cpuinfo) {
        return nativeBf16Flags(cpuinfo).isEmpty() ? FP32 : BF16;
    }

    /** The CPU flags in {@code cpuinfo} that compute bfloat16 natively (avx512_bf16, amx_bf16), each once. */
    public static List<String> nativeBf16Flags(String cpuinfo) {
        return NATIVE_BF16.matcher(cpuinfo).results().map(m -> m.group(1)).distinct().toList();
    }

    /** A precision by its name, any case: {@code fp32} or {@code bf16}. */
    public static Precision named(String name) {
        return Arrays.stream(values()).filter(p -> p.name().equalsIgnoreCase(name)).findFirst()
                .orElseThrow(() -> new IllegalArgumentException("precision must be fp32 or bf16, got '" + name + "'"));
    }
}
