import { Create, minLength, PasswordInput, regex, required, SelectInput, SimpleForm, TextInput } from 'react-admin';
import { ROLE_CHOICES } from '../roles';

// The server's rules (appliance/auth/users.ts); it checks them again and its message is shown.
const USERNAME = regex(/^[a-z0-9][a-z0-9._@-]{0,63}$/, 'Lower-case letters, digits and . _ @ -, starting with a letter or digit');

export function UserCreate() {
  return (
    <Create redirect="list">
      <SimpleForm>
        <TextInput source="username" validate={[required(), USERNAME]} autoComplete="off" />
        <TextInput source="fullName" label="Full name" />
        <SelectInput source="role" choices={ROLE_CHOICES} validate={required()} />
        <PasswordInput source="password" validate={[required(), minLength(8)]} autoComplete="new-password" />
      </SimpleForm>
    </Create>
  );
}
