import { describe, expect, it } from "vitest";
import {
  addGrants, asPermissionSetting, dropGrants, originsOfTabs, parseOneTimeGrants, planReverts, type OneTimeGrant,
} from "../../extension/background/one-time-grants";

const A = "https://a.example";
const B = "http://localhost:8080";
const aVideo: OneTimeGrant = { origin: A, kind: "video", previous: "ask" };
const aAudio: OneTimeGrant = { origin: A, kind: "audio", previous: "block" };
const bVideo: OneTimeGrant = { origin: B, kind: "video", previous: "ask" };

describe("asPermissionSetting", () => {
  it.each([["allow", "allow"], ["ask", "ask"], ["block", "block"], ["session_only", "ask"], [undefined, "ask"], ["ALLOW", "ask"]])(
    "%s → %s", (input, expected) => expect(asPermissionSetting(input)).toBe(expected));
});

describe("parseOneTimeGrants", () => {
  it("keeps valid records in order", () => {
    expect(parseOneTimeGrants([aVideo, aAudio, bVideo])).toEqual([aVideo, aAudio, bVideo]);
  });

  it.each([
    ["undefined", undefined], ["null", null], ["an object", { [A]: "video" }], ["a string", "[]"],
  ])("reads %s as no records", (_name, raw) => expect(parseOneTimeGrants(raw)).toEqual([]));

  it("drops invalid entries and keeps the rest", () => {
    expect(parseOneTimeGrants([
      null, 3, "x", [],
      { origin: "javascript:alert(1)", kind: "video", previous: "ask" },
      { origin: "https://a.example/path", kind: "video", previous: "ask" }, // not a serialized origin
      { origin: "https://A.example", kind: "video", previous: "ask" },
      { origin: A, kind: "screen", previous: "ask" },
      { origin: A, kind: "video", previous: "session_only" },
      { origin: A, kind: "video" },
      { origin: A, kind: "video", previous: "allow" }, // would undo nothing
      bVideo,
    ])).toEqual([bVideo]);
  });

  it("keeps the first record of an origin and kind", () => {
    expect(parseOneTimeGrants([aVideo, { ...aVideo, previous: "block" }])).toEqual([aVideo]);
  });
});

describe("addGrants", () => {
  it("adds new records without changing the input", () => {
    const before = [aVideo];
    expect(addGrants(before, [aAudio, bVideo])).toEqual([aVideo, aAudio, bVideo]);
    expect(before).toEqual([aVideo]);
  });

  it("keeps the setting from before the first grant", () => {
    expect(addGrants([aVideo], [{ ...aVideo, previous: "block" }])).toEqual([aVideo]);
  });

  it("never records a grant over allow", () => {
    expect(addGrants([], [{ origin: A, kind: "video", previous: "allow" }])).toEqual([]);
  });
});

describe("dropGrants", () => {
  it("drops only the given kinds of the given origin", () => {
    expect(dropGrants([aVideo, aAudio, bVideo], A, ["video"])).toEqual([aAudio, bVideo]);
    expect(dropGrants([aVideo, aAudio, bVideo], A, ["video", "audio"])).toEqual([bVideo]);
    expect(dropGrants([aVideo, aAudio, bVideo], "https://c.example", ["video"])).toEqual([aVideo, aAudio, bVideo]);
  });
});

describe("originsOfTabs", () => {
  it("collects http(s) origins of committed and pending URLs", () => {
    expect([...originsOfTabs([
      { url: "https://a.example/page?x=1" },
      { url: "chrome://newtab/", pendingUrl: "http://localhost:8080/call" },
      { url: undefined },
      { url: "about:blank" },
      { url: "not a url" },
    ])].sort()).toEqual([B, A]);
  });

  it("tells ports apart", () => {
    expect(originsOfTabs([{ url: "http://localhost:8081/" }]).has(B)).toBe(false);
  });
});

describe("planReverts", () => {
  it("undoes the grants of sites no tab shows and keeps the others", () => {
    expect(planReverts([aVideo, aAudio, bVideo], new Set([A]))).toEqual({ revert: [bVideo], keep: [aVideo, aAudio] });
  });

  it("keeps everything while every site is open", () => {
    expect(planReverts([aVideo, bVideo], new Set([A, B]))).toEqual({ revert: [], keep: [aVideo, bVideo] });
  });

  it("undoes everything when no tab is open", () => {
    expect(planReverts([aVideo, bVideo], new Set())).toEqual({ revert: [aVideo, bVideo], keep: [] });
  });

  it("undoes every leftover record at browser start, even for sites in restored tabs", () => {
    expect(planReverts([aVideo, bVideo], null)).toEqual({ revert: [aVideo, bVideo], keep: [] });
  });
});
