/**
 * Question wording for a country other than the codebook's: the shipped codebook fills the master
 * questionnaire's "[country]" / "[nationality]" placeholders with its own country (Q254 "How proud
 * are you to be Singaporean?"), so another country's benchmark swaps those words for its own.
 */
import { COUNTRY } from "./codebook-build";
import { countryPlace, type Country } from "./countries";
import type { AnswerOption, Question } from "./types";

/** The question as the given country's questionnaire words it (the same object for the codebook's country). */
export function localiseQuestion(q: Question, country: Country): Question {
  if (country.code === COUNTRY.code) return q;
  // the demonym first: it contains the country's name ("Singaporean" ⊃ "Singapore")
  const text = (s: string): string => s.split(COUNTRY.nationality).join(country.nationality).split(COUNTRY.name).join(countryPlace(country));
  const options = (xs: AnswerOption[]): AnswerOption[] => xs.map((o) => ({ code: o.code, label: text(o.label) }));
  return {
    ...q,
    label: text(q.label),
    text: text(q.text),
    ...(q.prompt !== undefined ? { prompt: text(q.prompt) } : {}),
    scale: options(q.scale),
    offScale: options(q.offScale),
    missing: options(q.missing),
  };
}
