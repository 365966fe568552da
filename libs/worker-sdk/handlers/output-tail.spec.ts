import { describe, expect, it } from 'vitest';
import { lastLines, lastNonEmptyLine, OutputTail } from './output-tail';

describe('lastNonEmptyLine', () => {
  it.each([
    { text: '', line: null },
    { text: '\n\n  \n', line: null },
    { text: 'one', line: 'one' },
    { text: 'one\ntwo\n', line: 'two' },
    { text: 'one\r\n two \r\n\r\n', line: 'two' },
  ])('$text → $line', ({ text, line }) => {
    expect(lastNonEmptyLine(text)).toBe(line);
  });
});

describe('lastLines', () => {
  it('keeps the last non-empty lines, bounded from the end', () => {
    expect(lastLines('a\n\nb\nc\nd\n', 2, 100)).toBe('c\nd');
    expect(lastLines('abcdefghij', 5, 4)).toBe('…ghij');
  });
});

describe('OutputTail', () => {
  it('keeps everything under its limit', () => {
    const tail = new OutputTail(10);
    tail.push(Buffer.from('abc'));
    tail.push(Buffer.from('def'));
    expect(tail.text()).toBe('abcdef');
  });

  it('keeps only the last bytes over its limit, marking the cut', () => {
    const tail = new OutputTail(4);
    for (const chunk of ['abc', 'def', 'ghi']) tail.push(Buffer.from(chunk));
    expect(tail.text()).toBe('…fghi');
  });
});
