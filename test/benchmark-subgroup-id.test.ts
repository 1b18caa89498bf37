import assert from "node:assert/strict";
import { test } from "node:test";
import { parseSubgroupId, parseSubgroupIdLenient, stratumAttributes, subgroupId } from "../src/benchmark/subgroup-id";
import { parseSubgroupId as frameParse } from "../src/metrics/frame";

test("strict parser: stratum, values and attribute names (age → age_group); malformed ids throw", () => {
  assert.deepEqual(parseSubgroupId("age_x_religion:65 and over|Muslim"), {
    stratum: "age_x_religion",
    values: ["65 and over", "Muslim"],
    attributes: { age_group: "65 and over", religion: "Muslim" },
  });
  assert.deepEqual(parseSubgroupId("ethnicity:SG: Malay").attributes, { ethnicity: "SG: Malay" });
  assert.equal(subgroupId("sex_x_age", ["Female", "16-24 years"]), "sex_x_age:Female|16-24 years");
  for (const bad of ["sex", ":Female", "sex:", "sex_x_age:Female|"]) {
    assert.throws(() => parseSubgroupId(bad), new RegExp(`bad subgroup id "${bad.replace("|", "\\|")}": expected "<stratum>:<value>\\[\\|<value>\\]"`));
  }
});

test("lenient parser never throws and is the one metrics uses", () => {
  assert.deepEqual(parseSubgroupIdLenient("sex"), { id: "sex", stratum: "sex", attributes: {} });
  assert.deepEqual(parseSubgroupIdLenient("sex_x_age:Female"), { id: "sex_x_age:Female", stratum: "sex_x_age", attributes: {} });
  assert.deepEqual(parseSubgroupIdLenient("religion_x_age:Muslim|65 and over").attributes, { religion: "Muslim", age_group: "65 and over" });
  assert.equal(frameParse, parseSubgroupIdLenient);
  assert.deepEqual(stratumAttributes("education_x_ethnicity"), ["education", "ethnicity"]);
});
