// Plan -> text | markdown | JSON. Views are pure: they read only the plan and return a string.

import { serializePlan } from "../plan/document.js";
import type { Plan } from "../plan/types.js";
import { type MarkdownOptions, renderMarkdown } from "./markdown.js";
import { renderText } from "./text.js";

export type RenderFormat = "text" | "markdown" | "json";
export const RENDER_FORMATS: readonly RenderFormat[] = ["text", "markdown", "json"];

export interface RenderOptions extends MarkdownOptions {
  /** Text only: ANSI colours (the CLI turns them on for a TTY). */
  color?: boolean;
}

export function render(plan: Plan, format: RenderFormat, options: RenderOptions = {}): string {
  switch (format) {
    case "text":
      return renderText(plan, { color: options.color ?? false });
    case "markdown":
      return renderMarkdown(plan, options);
    case "json":
      // The machine view is the plan document itself.
      return serializePlan(plan);
  }
}

export { maskAuthValue } from "../plan/mask.js";
export {
  NO_PICTURES,
  PHOTO_FRAME_PX,
  type PhotoPair,
  type PhotoSide,
  type PlanPictures,
  renderHtml,
} from "./html.js";
export { DEFAULT_MAX_LENGTH, MARKDOWN_MARKER, type MarkdownOptions, renderMarkdown } from "./markdown.js";
export { LEVELS_ABOVE, type OrgPerson } from "./org-chart.js";
export { renderText, type TextOptions } from "./text.js";
