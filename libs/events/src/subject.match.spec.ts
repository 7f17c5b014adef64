import { describe, expect, it } from 'vitest';
import { isValidSubject, subjectMatches } from './subject.match.js';

describe('isValidSubject', () => {
  it.each([
    ['orders.created', false, true],
    ['orders.*', false, false],
    ['orders.*', true, true],
    ['orders.>', true, true],
    ['orders.>.x', true, false],
    ['orders..created', true, false],
    ['orders created', true, false],
    ['', true, false],
  ])('%j (wildcards %s) → %s', (subject, wildcards, valid) => {
    expect(isValidSubject(subject, { wildcards })).toBe(valid);
  });
});

describe('subjectMatches(outer, inner)', () => {
  it.each([
    ['orders.>', 'orders.created', true],
    ['orders.>', 'orders', false],
    ['orders.>', 'orders.a.b', true],
    ['orders.*', 'orders.created', true],
    ['orders.*', 'orders.a.b', false],
    ['orders.created', 'orders.created', true],
    ['orders.created', 'orders.cancelled', false],
    ['orders.>', 'orders.*', true],
    ['orders.*', 'orders.>', false],
    ['*.created', 'orders.created', true],
    ['>', 'anything.at.all', true],
  ])('%s covers %s: %s', (outer, inner, covers) => {
    expect(subjectMatches(outer, inner)).toBe(covers);
  });
});
