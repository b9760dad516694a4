package dev.stylize.engine;

import ai.djl.Device;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The device report as far as a machine without a GPU shows it, and the driver facts' parsing. */
class DeviceReportTest {
    @Test
    void withoutAGpuRunsUseTheCpuAndTheReportSaysSo() {
        DeviceReport report = DeviceReport.probe();
        assertEquals(Device.cpu(), report.device());
        assertNull(report.gpu());
        assertTrue(report.engine().startsWith("PyTorch 2."), report.engine());
        assertTrue(report.host().cores() > 0 && report.host().memTotalBytes() > 0);
        assertTrue(report.availableBytes() > 0 && report.availableBytes() <= report.host().memTotalBytes());
        assertTrue(report.lines().stream().anyMatch(l -> l.startsWith("gpu: none visible to libtorch")), report.lines().toString());
        assertTrue(report.lines().stream().anyMatch(l -> l.startsWith("cuda runtime: ")), report.lines().toString());
        assertEquals(report.host().bf16(), report.bestPrecision() == dev.stylize.engine.model.Precision.BF16);
    }

    @Test
    void readsTheDriverVersionOfProprietaryAndOpenKernelModules() {
        assertEquals("550.163.01", DeviceReport.driverVersionIn(
                "NVRM version: NVIDIA UNIX x86_64 Kernel Module  550.163.01  Tue Aug  5 19:43:08 UTC 2026\nGCC version: gcc"));
        assertEquals("580.95.05", DeviceReport.driverVersionIn(
                "NVRM version: NVIDIA UNIX Open Kernel Module for x86_64  580.95.05  Release Build  (dvs-builder@U16)"));
        assertNull(DeviceReport.driverVersionIn(""));
    }

    @Test
    void cudaVersionsReadAsMajorDotMinor() {
        assertEquals("12.8", DeviceReport.cudaVersion(12080));
        assertEquals("13.0", DeviceReport.cudaVersion(13000));
        assertEquals("12.4", DeviceReport.cudaVersion(12040));
    }
}
