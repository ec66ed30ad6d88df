/**
 * Rule sets cannot hang or exhaust a run (adversarial findings #15, #19): `matches` runs on RE2
 * (linear time; constructs that need backtracking are rejected on load), and YAML alias bombs
 * are E_CONFIG.
 */
import { describe, expect, it } from 'vitest';
import { compileRuleSet, parseRuleSet } from '@msc/heuristics';

const ruleSet = (pattern: string) => `name: t\nrules:\n  - id: r\n    label: T2W\n    when: {column: series_description, matches: '${pattern}'}\n`;

describe('matches', () => {
  it('evaluates ^(a+)+$ on a long crafted text in one pass, with JavaScript semantics for ordinary patterns', () => {
    const rules = compileRuleSet(parseRuleSet(ruleSet('^(a+)+$'), 'redos.yaml'));
    // A backtracking engine takes about 2^n steps on n a's followed by a non-match.
    expect(rules.evaluate({ series_description: `${'a'.repeat(20_000)}!` }).rule).toBeNull();
    expect(rules.evaluate({ series_description: 'aaaa' }).rule).toBe('r');
    const words = compileRuleSet(parseRuleSet(ruleSet('\\bt2\\w*\\b.*tra'), 'words.yaml'));
    expect(words.evaluate({ series_description: 'AX T2W TSE TRA' }).rule).toBe('r'); // case-insensitive, unanchored
    expect(words.evaluate({ series_description: 'st2 sag' }).rule).toBeNull();
  });

  it('rejects look-around and back-references on load with E_CONFIG naming the place', () => {
    for (const pattern of ['t2(?!_sag)', '(a)\\1'])
      expect(() => parseRuleSet(ruleSet(pattern), 'r.yaml')).toThrow(
        expect.objectContaining({ code: 'E_CONFIG', message: expect.stringMatching(/rules\[0\]\.when\.matches: invalid regular expression \(RE2 syntax/) }),
      );
  });
});

describe('YAML', () => {
  it('an alias bomb is E_CONFIG with a hint', () => {
    const lines = ['name: bomb', 'a0: &a0 [x, x, x, x, x, x, x, x, x, x]'];
    for (let i = 1; i < 9; i++) lines.push(`a${i}: &a${i} [${Array.from({ length: 10 }, () => `*a${i - 1}`).join(', ')}]`);
    lines.push('rules: []');
    expect(() => parseRuleSet(lines.join('\n'), 'bomb.yaml')).toThrow(
      expect.objectContaining({ code: 'E_CONFIG', message: expect.stringMatching(/bomb\.yaml: .*alias/i), hint: expect.any(String) }),
    );
  });
});
