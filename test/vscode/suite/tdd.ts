// Typed access to mocha's TDD interface. Mocha defines `suite`, `test`, ... as globals just before it
// loads each bundled test file, so they are looked up at call time rather than imported.
// (The repository has no @types/mocha; this keeps the globals out of every other file's types.)

export type TestBody = () => void | Promise<void>;

interface TddGlobals {
  suite(title: string, body: () => void): void;
  test(title: string, body: TestBody): void;
  suiteSetup(body: TestBody): void;
  suiteTeardown(body: TestBody): void;
  setup(body: TestBody): void;
  teardown(body: TestBody): void;
}

const tdd = (): TddGlobals => globalThis as unknown as TddGlobals;

export const suite = (title: string, body: () => void): void => tdd().suite(title, body);
export const test = (title: string, body: TestBody): void => tdd().test(title, body);
export const suiteSetup = (body: TestBody): void => tdd().suiteSetup(body);
export const suiteTeardown = (body: TestBody): void => tdd().suiteTeardown(body);
export const setup = (body: TestBody): void => tdd().setup(body);
export const teardown = (body: TestBody): void => tdd().teardown(body);
