// The number formats the charts share, by known answers.
import { describe, expect, it } from "vitest";
import { commas, gpuText, secondsText } from "../../src/report/charts/common.js";

describe("chart number formats", () => {
  it("GPU-seconds: thousands separated from 10 up, two decimals below, and a plain 0 for none", () => {
    expect(gpuText(0)).toBe("0");
    expect(gpuText(4.567)).toBe("4.57");
    expect(gpuText(3116.2)).toBe("3,116");
    expect(gpuText(1234567.8)).toBe("1,234,568");
  });

  it("seconds: one decimal below the threshold, whole above", () => {
    expect(secondsText(51.06)).toBe("51.1");
    expect(secondsText(312.4)).toBe("312");
    expect(secondsText(312.44, 1000)).toBe("312.4");
    expect(secondsText(1234.5, 1000)).toBe("1,235");
    expect(commas(-1234.4)).toBe("-1,234");
  });
});
