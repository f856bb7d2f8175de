// The sign-in screen: e-mail and password (Firebase Auth); errors in Russian.
import { h } from '../dom.js';

const AUTH_ERRORS = {
  'auth/invalid-credential': 'Неверный адрес электронной почты или пароль.',
  'auth/invalid-login-credentials': 'Неверный адрес электронной почты или пароль.',
  'auth/wrong-password': 'Неверный адрес электронной почты или пароль.',
  'auth/user-not-found': 'Неверный адрес электронной почты или пароль.',
  'auth/invalid-email': 'Некорректный адрес электронной почты.',
  'auth/missing-password': 'Введите пароль.',
  'auth/user-disabled': 'Учётная запись отключена. Обратитесь к администратору.',
  'auth/too-many-requests': 'Слишком много попыток входа. Повторите позже.',
  'auth/network-request-failed': 'Нет связи с сервером входа. Проверьте подключение.',
};

export function authErrorMessage(err) {
  return AUTH_ERRORS[err && err.code] || `Не удалось войти${err && err.code ? ` (${err.code})` : ''}.`;
}

export function renderSignIn(root, { onSubmit, hint, error }) {
  const message = h('p', { class: 'error', role: 'alert', id: 'signin-error' }, error || '');
  const email = h('input', { type: 'email', name: 'email', id: 'email', autocomplete: 'username', required: true });
  const password = h('input', {
    type: 'password', name: 'password', id: 'password', autocomplete: 'current-password', required: true,
  });
  const button = h('button', { type: 'submit', class: 'primary' }, 'Войти');
  const form = h('form', {
    class: 'signin',
    onsubmit: async (ev) => {
      ev.preventDefault();
      message.textContent = '';
      button.disabled = true;
      try {
        await onSubmit(email.value.trim(), password.value);
      } catch (err) {
        message.textContent = authErrorMessage(err);
      } finally {
        button.disabled = false;
      }
    },
  },
  h('h1', {}, 'Отклик'),
  h('p', { class: 'muted' }, 'Обращения граждан в социальных сетях: вход для сотрудников'),
  h('label', { for: 'email' }, 'Электронная почта'), email,
  h('label', { for: 'password' }, 'Пароль'), password,
  button, message,
  hint ? h('p', { class: 'muted small' }, hint) : null);
  root.replaceChildren(form);
  email.focus();
}
