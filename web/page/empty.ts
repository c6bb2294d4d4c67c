// The browser bundle's stand-in for modules only a Node process runs (web/build.ts).
export {}
