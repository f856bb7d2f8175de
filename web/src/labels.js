// Russian labels and the transition table, generated from vocabulary/ and cases/transitions.py when the
// client is built (scripts/web_vocabulary.py, run by scripts/setup.sh): the client keeps no copy of its own.
export {
  AGENCY_ROLES, COMMANDS, DEADLINE_STATE_LABELS, EVENT_LABELS, NETWORK_LABELS, REPLAN_REASONS, ROLE_LABELS,
  STAGE_LABELS, STATE_LABELS, TOPICS, ZONE,
} from './generated/vocabulary.js';

// The hint on a provisional deadline: a year without the government's decree on days off.
export function provisionalHint(years) {
  const list = (years || []).join(', ');
  return `Предварительный срок: на ${list} год нет постановления Правительства о переносе выходных дней, `
    + 'срок рассчитан по Трудовому кодексу и будет пересчитан после публикации производственного календаря.';
}
