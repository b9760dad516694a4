package dev.stylize.engine.model;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

class PrecisionTest {

    @Test
    void bf16IsChosenOnlyWhereTheCpuComputesItNatively() {
        assertEquals(Precision.BF16, Precision.bestFor("flags\t\t: fpu sse2 avx512f avx512_bf16 avx512_vnni\n"));
        assertEquals(Precision.BF16, Precision.bestFor("flags\t\t: fpu avx512f amx_bf16 amx_tile\n"));
        assertEquals(Precision.FP32, Precision.bestFor("flags\t\t: fpu sse2 avx2 avx512f avx512_vnni\n"));
        assertEquals(Precision.FP32, Precision.bestFor(""));
    }

    @Test
    void namesAreReadInAnyCaseAndOthersRefusedSayingWhatIsAccepted() {
        assertEquals(Precision.BF16, Precision.named("bf16"));
        assertEquals(Precision.FP32, Precision.named("FP32"));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Precision.named("fp16"));
        assertEquals("precision must be fp32 or bf16, got 'fp16'", e.getMessage());
    }
}
