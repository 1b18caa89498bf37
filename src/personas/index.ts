/** Persona prompting: persona text, question rendering and prompt templates. */
export { personaDescription, personaParts, firstPersonBio, agePhrase, PERSONA_COUNTRY } from "./describe";
export { renderQuestion, shownOptions, optionLine, REPLY_INSTRUCTION } from "./question";
export type { RenderedQuestion } from "./question";
export { buildPrompt, listTemplates, templateIds, parseTemplateId, DEFAULT_TEMPLATE, REVERSED_SUFFIX, TASKS } from "./templates";
export type { TemplateInfo, Task } from "./templates";
export { renderOpenQuestion, OPEN_REPLY_INSTRUCTION } from "./open-question";
