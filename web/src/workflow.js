// What the signed-in person may do with a case now: the transition table (labels.js COMMANDS) filtered by
// role, state and agency, as cases/transitions.py checks it. Pure: tested with node.
import { AGENCY_ROLES, COMMANDS } from './labels.js';

export function availableCommands(caseDoc, me) {
  if (!caseDoc || !me) return [];
  const agencyRole = AGENCY_ROLES.includes(me.role);
  const exclusion = caseDoc.exclusion || null;
  const openFlag = Boolean(exclusion && !exclusion.confirmed_at && !exclusion.dismissed_at);
  return Object.entries(COMMANDS)
    .filter(([, rule]) => rule.roles.includes(me.role) && rule.states.includes(caseDoc.state))
    .filter(([name]) => {
      if (agencyRole) {
        const mine = name === 'flag_exclusion'
          ? (caseDoc.agency_ids || []).includes(me.agency_id)
          : caseDoc.agency_id === me.agency_id;
        if (!mine) return false;
      }
      if (name === 'dismiss_exclusion') return openFlag;
      if (name === 'flag_exclusion') return !openFlag;
      if (name === 'mark_significant') return !caseDoc.significant;
      if (name === 'request_intermediate') { // §15: a second intermediate answer, once the first is published
        return (caseDoc.answers || []).some((a) => a.intermediate) && !caseDoc.another_intermediate;
      }
      if (name === 'contribute') { // §16: only in a joint answer, by an agency before the last
        const order = caseDoc.route_order || [];
        return order.length > 1 && order.indexOf(caseDoc.agency_id) < order.length - 1;
      }
      return true;
    })
    .map(([name, rule]) => ({ name, label: rule.label }));
}
