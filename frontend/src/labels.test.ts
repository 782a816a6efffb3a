import { describe, expect, it } from 'vitest';
import type { Definition } from './api';
import { labeller } from './labels';

const def: Definition = {
  id: 'esr',
  version: 2,
  title: { ja: '調査', en: 'Survey' },
  sections: [
    {
      id: 'profile',
      title: { ja: '企業プロフィール', en: 'Company profile' },
      questions: [
        { id: 'prof_respondent_role', type: 'single', text: { ja: '立場', en: 'Role' }, options: [{ id: 'other', label: { ja: 'その他（立場）', en: 'Other role' } }] },
        { id: 'prof_industry', type: 'single', text: { ja: '業種', en: 'Industry' }, options: [{ id: 'manufacturing', label: { ja: '製造業', en: 'Manufacturing' } }, { id: 'other', label: { ja: 'その他', en: 'Other' } }] },
        { id: 'prof_prefecture', type: 'single', text: { ja: '所在地', en: 'Head office' }, options: [{ id: 'JP-27', label: { ja: '大阪府', en: 'Osaka' } }] },
      ],
    },
    {
      id: 'governance',
      domain: 'governance',
      title: { ja: '経営体制', en: 'Governance' },
      questions: [{ id: 'gov_accountable_person', type: 'scale', text: { ja: '責任者', en: 'Accountable person' }, levels: [{ ja: 'なし', en: 'None' }, { ja: 'あり', en: 'Named' }] }],
    },
  ],
};

describe('labeller', () => {
  const l = labeller(def);

  it('names questions, options, levels and special answers', () => {
    expect(l.question('prof_industry')).toBe('業種');
    expect(l.column('prof_industry', 'manufacturing')).toBe('製造業');
    expect(l.column('gov_accountable_person', '1')).toBe('段階1');
    expect(l.levels('gov_accountable_person')).toEqual(['なし', 'あり']);
    expect(l.column('gov_accountable_person', 'dont_know')).toBe('わからない');
    expect(l.column('gov_accountable_person', 'na')).toBe('該当しない');
  });

  it('names groups from the industry and prefecture questions, not any option of the same id', () => {
    expect(l.group('sector', 'other')).toBe('その他');
    expect(l.group('prefecture', 'JP-27')).toBe('大阪府');
    expect(l.group('size_band', 'sme')).toBe('中小企業（小規模企業者を含む）');
    expect(l.group('all', 'all')).toBe('すべての企業');
    expect(l.sector('unknown')).toBe('不明');
    expect(l.declaredBand('small_scale')).toBe('小規模企業者');
  });

  it('names scores by their section', () => {
    expect(l.metric('overall')).toBe('総合スコア');
    expect(l.metric('governance')).toBe('経営体制');
  });

  it('shows ids as they are before the definition has loaded', () => {
    const bare = labeller(null);
    expect(bare.question('prof_industry')).toBe('prof_industry');
    expect(bare.group('sector', 'manufacturing')).toBe('manufacturing');
  });
});
