import assert from "node:assert/strict";
import { test } from "node:test";
import { mainResultsFigure } from "../src/figures/results-main";

const score = (model: string, acc: number, nmae: number) => ({ model, accuracy: { value: acc, lo: acc - 0.02, hi: acc + 0.02 }, nmae: { value: nmae } });

test("main results: baselines are full-width dashed lines in both panels, even with one model", () => {
  const fig = mainResultsFigure([score("openai:gpt-4.1", 0.57, 0.18), score("baseline:population-mode", 0.823, 0.079)], { split: "ood" });
  const shapes = (fig.layout as { shapes: Array<Record<string, any>> }).shapes;
  assert.equal(shapes.length, 2);
  assert.deepEqual(
    shapes.map((s) => [s.xref, s.yref, s.x0, s.x1, s.y0, s.y1, s.line.dash, s.showlegend]),
    [
      ["x domain", "y", 0, 1, 0.823, 0.823, "dash", true],
      ["x2 domain", "y2", 0, 1, 0.079, 0.079, "dash", false],
    ],
  );
  // the model is the only bar; its CI comes through as error bars
  const bars = fig.data.filter((d) => d.type === "bar") as Array<Record<string, any>>;
  assert.deepEqual(bars[0].y, [0.57]);
  assert.deepEqual(
    bars[0].error_y.array.map((x: number) => +x.toFixed(6)),
    [0.02],
  );
});

test("main results: with no model run the baselines become the bars (no reference lines)", () => {
  const fig = mainResultsFigure([score("baseline:population-mode", 0.823, 0.079), score("baseline:attribute-product", 0.9, 0.04)]);
  assert.equal(((fig.layout as { shapes: unknown[] }).shapes ?? []).length, 0);
  assert.deepEqual((fig.data[0] as { y: number[] }).y, [0.823, 0.9]);
});
