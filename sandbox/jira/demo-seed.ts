import { JiraState } from './state';

/** The DSAR project the demo and the end-to-end tests run in. */

export const DSAR_FIELDS = {
  email: 'customfield_10050',
  phones: 'customfield_10051',
  fullName: 'customfield_10052',
  amiqusClientId: 'customfield_10053',
  adaChatterId: 'customfield_10054',
  genesysUserId: 'customfield_10055',
  genesysExternalContactId: 'customfield_10056',
  receivedOn: 'customfield_10057',
} as const;

export const DEMO_USERS = {
  requester: {
    accountId: '712020:requester-rio',
    displayName: 'Rio Requester (service desk)',
    groups: ['jira-users', 'service-desk'],
  },
  officer: {
    accountId: '712020:officer-priya',
    displayName: 'Priya Officer (privacy)',
    groups: ['jira-users', 'privacy-officers'],
  },
  officer2: {
    accountId: '712020:officer-sam',
    displayName: 'Sam Officer (privacy)',
    groups: ['jira-users', 'privacy-officers'],
  },
  outsider: { accountId: '712020:outsider-olu', displayName: 'Olu Outsider', groups: ['jira-users'] },
} as const;

export function seedDsarProject(state: JiraState): void {
  for (const user of Object.values(DEMO_USERS)) state.users.set(user.accountId, { ...user, groups: [...user.groups] });
  state.projects.set('DSAR', {
    key: 'DSAR',
    id: '10100',
    issueTypes: ['DSAR request'],
    roles: {
      'Privacy Officer': { id: 10200, users: [], groups: ['privacy-officers'] },
      Administrators: { id: 10002, users: [], groups: ['jira-admins'] },
    },
    browseGroups: ['privacy-officers', 'service-desk'],
  });
  state.fields = Object.entries(DSAR_FIELDS).map(([name, id]) => ({ id, name }));
}

export function createDemoState(now: () => Date): JiraState {
  const state = new JiraState(now);
  seedDsarProject(state);
  return state;
}
