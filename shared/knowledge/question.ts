/**
 * The one question MultiVAC answers. A module of its own, without the answer engine behind it,
 * so what only shows the question (the web console) does not bundle the engine's word lists.
 */
export const QUESTION = 'How can the entropy of the universe be reversed?';
