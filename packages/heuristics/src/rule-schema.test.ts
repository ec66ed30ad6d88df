import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { compileRuleSet } from './apply.js';
import { loadRuleSet, parseRuleSet } from './load-rules.js';

const valid = `
name: site_rules
rules:
  - id: dce-by-contrast
    label: dce
    when:
      all:
        - { column: contrast_bolus_agent, is_missing: false }
        - { column: number_of_temporal_positions, max: { gte: 3 } }
  - id: localizer
    label: Others
    when: { column: series_description, matches: "^(loc|scout|survey)" }
  - id: many-bvalues
    label: DWI
    when: { column: diffusion_bvalue, count: { gte: 2 } }
  - id: contains
    label: T2W
    when: { column: protocol_name, contains: "T2_TSE_TRA" }
`;

describe('user rule sets', () => {
  it('loads a YAML file with every operator and evaluates it', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'msc-rules-'));
    const path = join(dir, 'site.yaml');
    await writeFile(path, valid);
    const rules = compileRuleSet(await loadRuleSet(path));
    expect(rules.name).toBe('site_rules');
    expect(rules.evaluate({ contrast_bolus_agent: 'Gadovist', number_of_temporal_positions: '12' })).toEqual({ label: 'DCE', rule: 'dce-by-contrast' });
    expect(rules.evaluate({ contrast_bolus_agent: '-', number_of_temporal_positions: '12' }).label).toBeNull();
    expect(rules.evaluate({ series_description: 'Survey_32ch' }).label).toBe('Others');
    expect(rules.evaluate({ series_description: 'my survey' }).label).toBeNull();
    expect(rules.evaluate({ diffusion_bvalue: '0 800' }).label).toBe('DWI');
    expect(rules.evaluate({ diffusion_bvalue: '800' }).label).toBeNull();
    expect(rules.evaluate({ protocol_name: 'prostate t2_tse_tra_p2' }).label).toBe('T2W');
  });

  it.each([
    [
      'unknown key',
      'name: x\nrules:\n  - id: a\n    label: DWI\n    when: { column: x, has_wrd: t2 }\n',
      /rules\[0\]\.when: a column condition needs exactly one of .* \(line 5, column 11\)/,
    ],
    ['unknown label', 'name: x\nrules:\n  - id: a\n    label: T1\n    when: { column: x, has_word: t1 }\n', /rules\[0\]\.label: unknown class 'T1'.*line 4/],
    ['two operators', 'name: x\nrules:\n  - id: a\n    label: DWI\n    when: { column: x, has_word: a, contains: b }\n', /exactly one of/],
    [
      'bad regex',
      'name: x\nrules:\n  - id: a\n    label: DWI\n    when: { column: x, matches: "(" }\n',
      /rules\[0\]\.when\.matches: invalid regular expression/,
    ],
    [
      'not a number',
      'name: x\nrules:\n  - id: a\n    label: DWI\n    when: { column: x, max: { gt: high } }\n',
      /rules\[0\]\.when\.max\.gt: expected a number/,
    ],
    ['no rules', 'name: x\nrules: []\n', /rules: expected a list of at least one rule/],
    ['missing when', 'name: x\nrules:\n  - id: a\n    label: DWI\n', /rules\[0\]\.when: missing 'when' \(line 3/],
    [
      'duplicate id',
      'name: x\nrules:\n  - { id: a, label: DWI, when: { column: x, is_missing: true } }\n  - { id: a, label: ADC, when: { column: x, is_missing: true } }\n',
      /duplicate rule id 'a'/,
    ],
    ['empty all', 'name: x\nrules:\n  - { id: a, label: DWI, when: { all: [] } }\n', /when\.all: expected a list of at least one condition/],
    ['bad YAML', 'name: x\nrules:\n  - id: a\n   label: DWI\n', /not valid YAML at line \d+/],
    ['top-level key', 'name: x\nrule: []\n', /unknown key 'rule'/],
    [
      'unknown plane',
      'name: x\nrules:\n  - { id: a, label: T2W, when: { column: image_orientation_patient, plane: [axial, oblique] } }\n',
      /when\.plane: unknown plane 'oblique'/,
    ],
  ])('rejects %s with a message naming the place', (_name, text, message) => {
    let thrown: unknown;
    try {
      parseRuleSet(text, 'rules.yaml');
    } catch (error) {
      thrown = error;
    }
    expect(thrown).toMatchObject({ code: 'E_CONFIG' });
    expect((thrown as Error).message).toMatch(/^rules\.yaml: /);
    expect((thrown as Error).message).toMatch(message);
  });

  it('reports a missing file as input not found, naming the built-in sets', async () => {
    await expect(loadRuleSet('/nonexistent/rules.yaml')).rejects.toMatchObject({ code: 'E_INPUT_NOT_FOUND', hint: expect.stringContaining('prostate_mpmri') });
  });
});
