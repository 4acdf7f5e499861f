// The part of eslint-scope the pack's test uses (scripts/build-pack.mjs uses the same).
declare module "eslint-scope" {
  export function analyze(ast: unknown, options: { ecmaVersion: number; sourceType: "script" | "module" }): {
    globalScope: { through: { identifier: { name: string } }[] };
  };
}
