import { onWindows } from '../support/lanes';

test('jest runs TypeScript with the project tsconfig', () => {
  const sized: Array<number> = [1, 2, 3];
  expect(sized.length + (onWindows ? 0 : 0)).toBe(3);
});
