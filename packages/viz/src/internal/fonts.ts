// The fonts that PNGs are drawn with: DejaVu Sans from the dejavu-fonts-ttf package, never
// the machine's, so that a picture has the same text on every machine (and has text at all
// on one without fonts, such as a bare CI machine).
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);

/** The family that Vega's default 'sans-serif' text (and any unknown family) is drawn in. */
export const FONT_FAMILY = 'DejaVu Sans';

/** Paths of the regular and bold DejaVu Sans TrueType files. */
export const FONT_FILES: readonly string[] = ['DejaVuSans.ttf', 'DejaVuSans-Bold.ttf'].map((file) =>
  require.resolve(`dejavu-fonts-ttf/ttf/${file}`),
);
