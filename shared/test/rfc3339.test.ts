import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { isRfc3339, parseRfc3339 } from "../src/siwt/index.ts";

const pad = (n: number, width = 2) => String(n).padStart(width, "0");
// Day 0 of the next month is the last day of this one (years here are >= 1000).
const lastDay = (y: number, m: number) => new Date(Date.UTC(y, m, 0)).getUTCDate();

type Parts = { y: number; mo: number; d: number; h: number; mi: number; s: number };
const stamp = (p: Parts, tail: string) =>
  `${pad(p.y, 4)}-${pad(p.mo)}-${pad(p.d)}T${pad(p.h)}:${pad(p.mi)}:${pad(p.s)}${tail}`;

const partsArb: fc.Arbitrary<Parts> = fc
  .record({
    y: fc.integer({ min: 1000, max: 9999 }),
    mo: fc.integer({ min: 1, max: 12 }),
    day: fc.nat(),
    h: fc.integer({ min: 0, max: 23 }),
    mi: fc.integer({ min: 0, max: 59 }),
    s: fc.integer({ min: 0, max: 59 }),
  })
  .map(({ day, ...p }) => ({ ...p, d: 1 + (day % lastDay(p.y, p.mo)) }));
const offsetArb = fc.oneof(
  fc.constant("Z"),
  fc
    .tuple(fc.constantFrom("+", "-"), fc.integer({ min: 0, max: 23 }), fc.integer({ min: 0, max: 59 }))
    .map(([sign, h, m]) => `${sign}${pad(h)}:${pad(m)}`),
);
const fractionArb = fc.option(fc.stringMatching(/^\.[0-9]{1,3}$/), { nil: "" });

describe("RFC 3339 date-times", () => {
  it("parses every valid date-time to the instant the platform's ISO parser gives", () => {
    fc.assert(
      fc.property(partsArb, fractionArb, offsetArb, (p, fraction, offset) => {
        const text = stamp(p, `${fraction}${offset}`);
        expect(parseRfc3339(text)).toBe(Date.parse(text));
      }),
      { numRuns: 500 },
    );
  });

  it("refuses offsets beyond 23:59, whatever the rest", () => {
    const badOffset = fc.oneof(
      fc.tuple(fc.integer({ min: 24, max: 99 }), fc.integer({ min: 0, max: 99 })),
      fc.tuple(fc.integer({ min: 0, max: 99 }), fc.integer({ min: 60, max: 99 })),
    );
    fc.assert(
      fc.property(partsArb, fc.constantFrom("+", "-"), badOffset, (p, sign, [h, m]) => {
        expect(parseRfc3339(stamp(p, `${sign}${pad(h)}:${pad(m)}`))).toBeUndefined();
      }),
    );
  });

  it("refuses dates that are not on the calendar and times out of range", () => {
    fc.assert(
      fc.property(partsArb, fc.integer({ min: 1, max: 70 }), (p, extra) => {
        expect(
          parseRfc3339(stamp({ ...p, d: lastDay(p.y, p.mo) + (extra % (99 - lastDay(p.y, p.mo))) + 1 }, "Z")),
        ).toBeUndefined();
      }),
    );
    for (const text of [
      "2023-02-29T00:00:00Z",
      "1900-02-29T00:00:00Z",
      "2024-04-31T00:00:00Z",
      "2024-00-10T00:00:00Z",
      "2024-13-10T00:00:00Z",
      "2024-01-00T00:00:00Z",
      "2024-01-01T24:00:00Z",
      "2024-01-01T00:60:00Z",
      "2024-01-01T00:00:60Z",
      "2024-01-01T00:00:00+99:99",
      "2024-01-01T00:00:00+24:00",
      "2024-01-01T00:00:00-00:60",
      "2024-01-01T00:00:00+0100",
      "2024-01-01T00:00:00",
      "2024-01-01t00:00:00z",
      "2024-01-01 00:00:00Z",
      "2024-01-01T00:00:00.Z",
      "2024-01-01T00:00:00.1234567890Z",
      "+02024-01-01T00:00:00Z",
      "2024-1-01T00:00:00Z",
      "２０２４-01-01T00:00:00Z",
    ]) {
      expect([text, isRfc3339(text)]).toEqual([text, false]);
    }
    expect(parseRfc3339("2000-02-29T00:00:00Z")).toBe(Date.UTC(2000, 1, 29));
    expect(parseRfc3339("2024-01-01T00:00:00.123456789+23:59")).toBe(
      Date.UTC(2024, 0, 1) + 123 - (23 * 60 + 59) * 60_000,
    );
    expect(parseRfc3339("0050-06-01T00:00:00Z")).toBe(Date.parse("0050-06-01T00:00:00Z"));
  });

  it("never answers NaN: whatever the string, the result is a finite number or undefined", () => {
    const near = fc
      .tuple(partsArb, fc.string({ maxLength: 8 }))
      .map(([p, tail]) => stamp(p, tail).slice(0, 19) + tail);
    fc.assert(
      fc.property(fc.oneof(fc.string({ maxLength: 40 }), near), (text) => {
        const ms = parseRfc3339(text);
        if (ms !== undefined) expect(Number.isFinite(ms)).toBe(true);
      }),
      { numRuns: 1000 },
    );
  });
});
