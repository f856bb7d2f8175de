// Russian labels for the states, roles, deadline stages, events and commands of the case workflow.
// They mirror cases/transitions.py (STATE_LABELS, TRANSITIONS) and cases/model.py (Role, Stage).

export const STATE_LABELS = {
  detected: 'Выявлено',
  assigned: 'Назначено',
  in_progress: 'В работе',
  in_review: 'На согласовании',
  rework: 'На доработке',
  approved: 'Согласовано',
  answered: 'Ответ размещён',
  closed: 'Закрыто',
  excluded: 'Исключено',
};

export const ROLE_LABELS = {
  curator: 'Куратор',
  executor: 'Исполнитель',
  agency_lead: 'Руководитель (ответственное лицо органа)',
  supervisor: 'Руководитель Администрации',
  admin: 'Администратор',
};

export const STAGE_LABELS = {
  route: 'Направление в орган (п. 8)',
  return_not_competent: 'Возврат не по компетенции (п. 9)',
  answer: 'Размещение ответа (п. 10)',
  draft: 'Проект ответа куратору (п. 11)',
  review: 'Согласование (п. 12)',
  rework: 'Доработка (п. 13)',
  publish: 'Размещение после согласования (п. 14)',
  final_answer: 'Окончательный ответ (п. 15)',
  joint_contribution: 'Информация для общего ответа (п. 16)',
};

export const DEADLINE_STATE_LABELS = {
  pending: 'ожидается',
  met: 'выполнено',
  missed: 'просрочено',
  cancelled: 'отменено',
};

export const NETWORK_LABELS = {
  vk: 'ВКонтакте',
  ok: 'Одноклассники',
  telegram: 'Telegram',
  facebook: 'Facebook',
  twitter: 'Twitter',
  instagram: 'Instagram',
};

export const EVENT_LABELS = {
  CaseDetected: 'Сообщение выявлено',
  Routed: 'Направлено в орган власти',
  ReturnedNotCompetent: 'Возвращено как не относящееся к компетенции',
  Accepted: 'Принято в работу',
  ExecutorAssigned: 'Назначен исполнитель',
  ContributionMade: 'Направлена информация для общего ответа',
  DraftSubmitted: 'Проект ответа направлен на согласование',
  Approved: 'Проект ответа согласован',
  ReturnedForRework: 'Возвращено на доработку',
  Published: 'Ответ размещён',
  Closed: 'Закрыто',
  RepeatLinked: 'Связано с ранее рассмотренным сообщением',
  ExclusionFlagged: 'Отмечено как не подлежащее ответу',
  ExclusionDismissed: 'Отметка о недопустимом содержании снята',
  ExclusionConfirmed: 'Исключено из обработки',
  ExclusionReversed: 'Возвращено в обработку',
  MarkedSignificant: 'Отмечено как социально значимое',
  DeadlinesRecomputed: 'Сроки пересчитаны системой',
};

// Why the system planned deadlines again (cases/replanning.py).
export const REPLAN_REASONS = {
  calendar_published: 'опубликован производственный календарь',
  deadlines_restored: 'установлены сроки, которые не удалось рассчитать при поступлении',
};

// The hint on a provisional deadline: a year without the government's decree on days off.
export function provisionalHint(years) {
  const list = (years || []).join(', ');
  return `Предварительный срок: на ${list} год нет постановления Правительства о переносе выходных дней, `
    + 'срок рассчитан по Трудовому кодексу и будет пересчитан после публикации производственного календаря.';
}

const AG = ['executor', 'agency_lead'];
const CUR = ['curator'];
const OPEN = ['detected', 'assigned', 'in_progress', 'in_review', 'rework', 'approved'];
const ALL_BUT_CLOSED = Object.keys(STATE_LABELS).filter((s) => s !== 'closed');

// command -> {label, roles, states}: the transition table of cases/transitions.py, in workflow order.
export const COMMANDS = {
  route: { label: 'Направить в орган власти', roles: CUR, states: ['detected'] },
  accept: { label: 'Принять', roles: AG, states: ['assigned'] },
  return_not_competent: { label: 'Вернуть как не относящееся к компетенции', roles: AG, states: ['assigned'] },
  contribute: { label: 'Направить информацию для общего ответа', roles: AG, states: ['in_progress'] },
  submit_draft: { label: 'Направить проект ответа на согласование', roles: AG, states: ['in_progress', 'rework'] },
  approve: { label: 'Согласовать', roles: CUR, states: ['in_review'] },
  return_for_rework: { label: 'Вернуть на доработку', roles: CUR, states: ['in_review'] },
  publish: { label: 'Разместить ответ', roles: AG, states: ['approved'] },
  close: { label: 'Закрыть', roles: CUR, states: ['answered'] },
  assign_executor: {
    label: 'Назначить исполнителя', roles: ['agency_lead'],
    states: ['assigned', 'in_progress', 'in_review', 'rework', 'approved'],
  },
  link_repeat: {
    label: 'Связать с ранее рассмотренным сообщением', roles: CUR,
    states: ['detected', 'assigned', 'in_progress', 'rework'],
  },
  flag_exclusion: { label: 'Отметить как не подлежащее ответу', roles: [...CUR, ...AG], states: OPEN },
  dismiss_exclusion: { label: 'Снять отметку о недопустимом содержании', roles: CUR, states: OPEN },
  confirm_exclusion: { label: 'Исключить из обработки', roles: CUR, states: OPEN },
  reverse_exclusion: { label: 'Вернуть в обработку', roles: CUR, states: ['excluded'] },
  mark_significant: { label: 'Отметить как социально значимое', roles: CUR, states: ALL_BUT_CLOSED },
};
