// Preact + htm: every screen writes its markup as html`...` (no build step).
import { h, render, Fragment } from '../../vendor/preact.module.js';
import htm from '../../vendor/htm.module.js';

export const html = htm.bind(h);
export { h, render, Fragment };
export { useState, useEffect, useRef, useMemo, useCallback, useReducer, useContext } from '../../vendor/hooks.module.js';
