// The grids of a sweep: paths, values, arms and cells, checked against hand-worked answers and properties.
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { UserError } from "../../src/errors.js";
import {
  cellScenario,
  describeGrids,
  enumerateCells,
  gridsFromScenario,
  parsePath,
  parseSetOption,
  resolveGrids,
  resolvePath,
  splitValues,
} from "../../src/experiment/sweep-grid.js";
import { readScenarioYaml, ScenarioError, validateScenarioData } from "../../src/scenario-file/load.js";

const TEXT = `name: t
horizon: 1h
warmup: 5m
arrivals:
  - { name: a, rate: 60/h, mix: [{ width: 512, height: 512 }] }
workers:
  - { name: w, count: 2, speed: 1 }
policies:
  - name: horde
  - name: backoff
    reassignment: [pull, { rule: backoff, base: 30s }]
  - name: other
    reassignment: [pull, exclude-failed]
sweep:
  - arms: [horde]
    set:
      server.ttl.floor: [60s, 150s, 300s]
      server.sweep.period: [10s, 60s]
  - set:
      policies[backoff].reassignment[1].base: [10s, oops]
`;

function load(text = TEXT) {
  const yaml = readScenarioYaml(text, "t.yaml");
  const scenario = validateScenarioData(yaml.data, yaml);
  return { yaml, scenario };
}

describe("paths", () => {
  it("reads keys, indices and [name] selectors", () => {
    expect(parsePath("policies[backoff].reassignment[1].base")).toEqual([
      { key: "policies" },
      { name: "backoff" },
      { key: "reassignment" },
      { index: 1 },
      { key: "base" },
    ]);
    expect(parsePath("server.ttl.floor")).toEqual([{ key: "server" }, { key: "ttl" }, { key: "floor" }]);
  });

  it("refuses malformed paths", () => {
    for (const bad of ["", "a..b", "a[", "a[]", ".a", "a b"]) expect(() => parsePath(bad), bad).toThrow();
  });

  it("resolves a named arm to its index and allows settings the file leaves out", () => {
    const { yaml } = load();
    expect(resolvePath(yaml.data, parsePath("policies[backoff].reassignment[1].base"))).toEqual([
      "policies",
      1,
      "reassignment",
      1,
      "base",
    ]);
    expect(resolvePath(yaml.data, parsePath("server.sweep.period"))).toEqual(["server", "sweep", "period"]);
    expect(() => resolvePath(yaml.data, parsePath("policies[nope].timeout"))).toThrow(/no item named "nope"/);
    expect(() => resolvePath(yaml.data, parsePath("policies[backoff].reassignment[0].base"))).toThrow(/not a mapping/);
    expect(() => resolvePath(yaml.data, parsePath("workers[5].speed"))).toThrow(/1 item\(s\)/);
  });
});

describe("--set values", () => {
  it("splits at top-level commas only and reads each value as YAML", () => {
    expect(splitValues("a, b,[c,d],{e: f, g: h},'x,y'")).toEqual(["a", "b", "[c,d]", "{e: f, g: h}", "'x,y'"]);
    const p = parseSetOption("server.ttl.floor=60s,150,true");
    expect(p.path).toBe("server.ttl.floor");
    expect(p.values).toEqual(["60s", 150, true]);
    expect(p.labels).toEqual(["60s", "150", "true"]);
  });

  it("refuses a missing = or an empty value with a UserError naming the option", () => {
    expect(() => parseSetOption("server.ttl.floor")).toThrow(UserError);
    expect(() => parseSetOption("server.ttl.floor=60s,,90s")).toThrow(/--set server.ttl.floor=60s,,90s/);
  });
});

describe("grids and cells", () => {
  it("runs a grid of one arm's settings for that arm only, and names the arms in the file for the other", () => {
    const { yaml, scenario } = load();
    const grids = resolveGrids(yaml, gridsFromScenario(yaml), scenario.policies);
    expect(grids.map((g) => g.arms)).toEqual([["horde"], ["backoff"]]);
    const cells = enumerateCells(describeGrids(grids));
    expect(cells).toHaveLength(3 * 2 + 2);
    expect(cells[1].label).toBe("horde server.ttl.floor=60s server.sweep.period=60s");
    expect(cells[2].values).toEqual({ "server.ttl.floor": "150s", "server.sweep.period": "10s" });
    expect(cells.map((c) => c.index)).toEqual(cells.map((_, i) => i));
  });

  it("a server setting without arms: runs for every arm; --policy keeps only those named", () => {
    const { yaml, scenario } = load();
    const input = [{ params: [parseSetOption("server.ttl.floor=60s,150s")] }];
    expect(resolveGrids(yaml, input, scenario.policies)[0].arms).toEqual(["horde", "backoff", "other"]);
    expect(resolveGrids(yaml, input, scenario.policies, ["other"])[0].arms).toEqual(["other"]);
  });

  it("refuses one grid that sweeps two arms' settings", () => {
    const { yaml, scenario } = load();
    const input = [
      {
        params: [
          parseSetOption("policies[backoff].maintenance=true,false"),
          parseSetOption("policies[other].maintenance=true,false"),
        ],
      },
    ];
    expect(() => resolveGrids(yaml, input, scenario.policies)).toThrow(/2 arms/);
  });

  it("places a bad value in the file at the value's own line and column", () => {
    const { yaml, scenario } = load();
    const grids = resolveGrids(yaml, gridsFromScenario(yaml), scenario.policies);
    const cells = enumerateCells(describeGrids(grids));
    const bad = cells.find((c) => c.values["policies[backoff].reassignment[1].base"] === "oops");
    expect(bad).toBeDefined();
    if (bad === undefined) return;
    let message = "";
    try {
      cellScenario(yaml, grids[bad.grid], bad);
    } catch (e) {
      expect(e).toBeInstanceOf(UserError);
      message = (e as Error).message;
    }
    // "oops" is on line 20; its column is where the value starts
    const line = TEXT.split("\n")[19];
    expect(message).toContain(
      `t.yaml:20:${line.indexOf("oops") + 1}: sweep[1].set["policies[backoff].reassignment[1].base"][1]:`,
    );
  });

  it("a cell's scenario carries its values, and nothing else changes", () => {
    const { yaml, scenario } = load();
    const grids = resolveGrids(yaml, gridsFromScenario(yaml), scenario.policies);
    const cells = enumerateCells(describeGrids(grids));
    const c = cellScenario(yaml, grids[0], cells[5]); // floor 300s, period 60s
    expect(c.scenario.server.ttl.floor).toBe(300);
    expect(c.scenario.server.sweep.period).toBe(60);
    expect(c.arm.name).toBe("horde");
    expect({ ...c.scenario, server: scenario.server }).toEqual(scenario);
    const b = cellScenario(yaml, grids[1], cells[6]);
    expect(b.arm.reassignment[1]).toMatchObject({ rule: "backoff", base: 10 });
  });

  it("a bad path in the file is reported at its key", () => {
    const text = TEXT.replace("server.sweep.period: [10s, 60s]", "server.sweep.perod: [10s, 60s]");
    const { yaml, scenario } = load(text);
    expect(() => resolveGrids(yaml, gridsFromScenario(yaml), scenario.policies)).not.toThrow();
    const grids = resolveGrids(yaml, gridsFromScenario(yaml), scenario.policies);
    const cells = enumerateCells(describeGrids(grids));
    // the unknown key is caught when the cell is validated, at the sweep value
    expect(() => cellScenario(yaml, grids[0], cells[0])).toThrow(/t\.yaml:18:\d+: .*perod/);
  });

  it("the sweep block itself is validated with the scenario", () => {
    const text = TEXT.replace("server.ttl.floor: [60s, 150s, 300s]", "server.ttl.floor: []");
    expect(() => load(text)).toThrow(ScenarioError);
  });

  it("cells enumerate the cross product once each, last parameter fastest (property)", () => {
    fc.assert(
      fc.property(
        fc.array(fc.integer({ min: 1, max: 4 }), { minLength: 1, maxLength: 4 }),
        fc.integer({ min: 1, max: 3 }),
        (sizes, arms) => {
          const grid = {
            arms: Array.from({ length: arms }, (_, i) => `arm${i}`),
            params: sizes.map((n, j) => ({ path: `p${j}`, values: Array.from({ length: n }, (_, k) => `v${k}`) })),
          };
          const cells = enumerateCells([grid]);
          const combos = sizes.reduce((a, b) => a * b, 1);
          expect(cells).toHaveLength(combos * arms);
          expect(new Set(cells.map((c) => c.label)).size).toBe(cells.length);
          for (let k = 1; k < combos; k++) {
            const prev = cells[k - 1].choice;
            const cur = cells[k].choice;
            // the choices count up like digits, the last one fastest
            const asNumber = (ch: number[]) => ch.reduce((n, d, j) => n * sizes[j] + d, 0);
            expect(asNumber(cur)).toBe(asNumber(prev) + 1);
          }
        },
      ),
    );
  });
});
