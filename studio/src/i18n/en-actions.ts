/** English strings of the designer's transition action editor (merged into the main dictionary by `en.ts`). */
export const enActions = {
  transitionActions: {
    empty: 'No actions yet: nothing runs after this move.',
    type: 'Action type',
    add: 'Add action',
    pick: 'Choose an action type…',
    loading: 'Loading the action types…',
    loadFailed: 'The action types could not be loaded: {{error}}',
    unknown: 'Unknown action type {{type}}',
    edit: 'Edit {{action}}',
    moveUp: 'Move {{action}} up',
    moveDown: 'Move {{action}} down',
    remove: 'Remove {{action}}',
    up: 'Up',
    down: 'Down',
    removeShort: 'Remove',
    editShort: 'Edit',
    close: 'Close',
    config: 'Settings of {{action}}',
    noConfig: 'This action has no settings.',
    problems: 'Problems of {{action}}',
  },
};
