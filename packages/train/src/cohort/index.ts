/** `@msc/train/cohort`: synthetic training cohorts as tables, and the recipe a model records of them. */
export * from './recipe.js';
export * from './synthetic.js';
