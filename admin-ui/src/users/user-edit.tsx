import { BooleanInput, Edit, minLength, PasswordInput, required, SaveButton, SelectInput, SimpleForm, TextInput, Toolbar } from 'react-admin';
import type { User } from '../api-records';
import { ROLE_CHOICES } from '../roles';

type UserForm = User & { password?: string | null };

/** PUT /api/users/:id takes only what may change; an empty password keeps the current one. */
function toChanges(data: UserForm) {
  return {
    role: data.role,
    fullName: data.fullName || null,
    disabled: data.disabled,
    ...(data.password ? { password: data.password } : {}),
  };
}

// No delete button: DELETE only disables, which the switch below already does.
const toolbar = (
  <Toolbar>
    <SaveButton />
  </Toolbar>
);

export function UserEdit() {
  return (
    <Edit<User> mutationMode="pessimistic" transform={toChanges}>
      <SimpleForm toolbar={toolbar}>
        <TextInput source="username" readOnly />
        <TextInput source="fullName" label="Full name" />
        <SelectInput source="role" choices={ROLE_CHOICES} validate={required()} />
        <BooleanInput source="disabled" helperText="A disabled user cannot log in. Users are never removed, so the audit trail keeps their name." />
        <PasswordInput
          source="password"
          label="New password"
          validate={minLength(8)}
          autoComplete="new-password"
          helperText="Leave empty to keep the current password. A new one ends the user's sessions."
        />
      </SimpleForm>
    </Edit>
  );
}
