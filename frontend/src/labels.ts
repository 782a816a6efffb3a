// Names for what a campaign's tables hold by id: questions, their answers, groups (size bands,
// sectors, prefectures), scores. Questions and their options come from the questionnaire's
// definition, in both languages; the rest from the catalogues.

import type { Definition } from './api';
import { t, tx, type Key } from './i18n';

type Question = Definition['sections'][number]['questions'][number];

/** The questions that name the sectors and the prefectures the tables are split by. */
const GROUP_QUESTION: Record<string, string> = { sector: 'prof_industry', prefecture: 'prof_prefecture' };

export interface Labeller {
  question(id: string): string;
  /** A column of a question's table: an option, a level of a scale, or a special answer. */
  column(question: string, column: string): string;
  /** The texts of a scale's levels, for a legend; empty for other questions. */
  levels(question: string): string[];
  /** A group of the results (size bands merged: SMEs include small-scale firms). */
  group(dimension: string, group: string): string;
  /** A size band as the chamber declared it in the invitations file. */
  declaredBand(band: string): string;
  sector(id: string): string;
  dimension(dimension: string): string;
  metric(id: string): string;
  /** The questions in the questionnaire's order, grouped by section. */
  sections(): { title: string; questions: { id: string; text: string }[] }[];
}

/** A labeller over the definition (null before it loaded: ids then show as they are). */
export function labeller(def: Definition | null): Labeller {
  const questions = new Map<string, Question>();
  for (const s of def?.sections ?? []) for (const q of s.questions) questions.set(q.id, q);
  const option = (question: string, id: string) => tx(questions.get(question)?.options?.find((o) => o.id === id)?.label) || id;
  const special = (id: string) => (id === 'all' || id === 'unknown' || id === 'dont_know' || id === 'na' ? t(`staff.answer.${id}` as Key) : '');
  return {
    question: (id) => tx(questions.get(id)?.text) || id,
    column(question, column) {
      const q = questions.get(question);
      if (special(column)) return special(column);
      if (q?.levels && /^\d+$/.test(column)) return t('staff.level', { n: column });
      return option(question, column);
    },
    levels: (question) => (questions.get(question)?.levels ?? []).map((l) => tx(l)),
    group(dimension, group) {
      if (special(group)) return special(group);
      if (dimension === 'size_band') return t(`staff.band.${group}` as Key) || group;
      const q = GROUP_QUESTION[dimension];
      return q ? option(q, group) : group;
    },
    declaredBand: (band) => special(band) || t(`band.${band}` as Key),
    sector: (id) => special(id) || option(GROUP_QUESTION.sector, id),
    dimension: (d) => t(`staff.dim.${d}` as Key),
    metric: (id) => (id === 'overall' ? t('staff.metric.overall') : tx(def?.sections.find((s) => s.domain === id)?.title) || id),
    sections: () =>
      (def?.sections ?? []).map((s) => ({ title: tx(s.title), questions: s.questions.map((q) => ({ id: q.id, text: tx(q.text) })) })),
  };
}
