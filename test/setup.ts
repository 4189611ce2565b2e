// The app logs one JSON line per step (no personal data); tests assert behaviour, so keep their output readable.
beforeAll(() => {
  jest.spyOn(console, 'log').mockImplementation(() => undefined);
  jest.spyOn(console, 'warn').mockImplementation(() => undefined);
});
