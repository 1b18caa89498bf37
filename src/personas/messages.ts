/** What a persona prompt is: chat messages plus the answer options, as handed to any model provider. */

export interface ChatMessage {
  role: "system" | "user" | "assistant";
  content: string;
}

/** A fully rendered prompt for one (question, subgroup, template). Deterministic for its inputs. */
export interface Prompt {
  question: string;
  subgroup: string;
  /** Template id, e.g. "system-persona", "first-person-bio", "third-person"; with "+reversed" for reversed option order. */
  templateId: string;
  messages: ChatMessage[];
  /** Valid answer codes, in the order shown to the model. */
  answerCodes: number[];
  /** Code → option label, to parse answers given as labels. */
  answerLabels: Record<string, string>;
}
