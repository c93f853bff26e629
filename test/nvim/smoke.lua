-- Smoke test of the language server with Neovim 0.7's built-in LSP client, run headless by
-- test/nvim/run.mjs. It opens open.tf from a copy of test/vscode/workspace, waits for the
-- server's diagnostics, requests code actions, applies the preferred one, waits for the finding
-- to go, and writes every check to the JSON file named by METADATA_GUARD_NVIM_RESULTS.
local root = assert(vim.env.METADATA_GUARD_ROOT, 'METADATA_GUARD_ROOT is not set')
local workspace = assert(vim.env.METADATA_GUARD_NVIM_WORKSPACE, 'METADATA_GUARD_NVIM_WORKSPACE is not set')
local results_path = assert(vim.env.METADATA_GUARD_NVIM_RESULTS, 'METADATA_GUARD_NVIM_RESULTS is not set')

local rule_id = 'ecs-metadata-unrestricted'
local firewall_rule = 'iptables -A OUTPUT -p tcp -d 169.254.169.254 -m owner ! --uid-owner root -j REJECT'
local deadline_ms = 60000

local checks = {}
local finished = false
-- Raw publishDiagnostics parameters by URI, because Neovim 0.7 keeps only `code` of each
-- diagnostic's LSP fields, and the server needs `data` to match a code action to its finding.
local published = {}
local on_published = nil

local function check(name, ok, detail)
  table.insert(checks, { name = name, ok = ok and true or false, detail = detail or '' })
end

local function finish()
  if finished then return end
  finished = true
  local file = assert(io.open(results_path .. '.partial', 'w'))
  file:write(vim.fn.json_encode({ checks = checks }))
  file:close()
  os.rename(results_path .. '.partial', results_path)
  vim.cmd('qall!')
end

local function findings(uri)
  local list = {}
  for _, diagnostic in ipairs(published[uri] or {}) do
    if diagnostic.code == rule_id then table.insert(list, diagnostic) end
  end
  return list
end

local function publish_handler(err, result, ctx, config)
  published[result.uri] = result.diagnostics
  vim.lsp.diagnostic.on_publish_diagnostics(err, result, ctx, config)
  if on_published then on_published(result.uri) end
end

local client_id = vim.lsp.start_client({
  name = 'metadata-guard',
  cmd = { 'node', root .. '/bin/metadata-guard.js', 'lsp', '--stdio' },
  root_dir = workspace,
  handlers = { ['textDocument/publishDiagnostics'] = publish_handler },
  on_exit = function(code)
    if finished then return end
    check('server keeps running', false, 'the server exited with code ' .. tostring(code))
    vim.schedule(finish)
  end,
})
check('client starts', client_id ~= nil)
if not client_id then finish() end

local open_path = workspace .. '/open.tf'
local open_uri = vim.uri_from_fname(open_path)
local scripted_uri = vim.uri_from_fname(workspace .. '/scripted.tf')

vim.defer_fn(function()
  check('finished before the deadline', false, 'no result after ' .. deadline_ms .. ' ms')
  finish()
end, deadline_ms)

local stage = 'wait-findings'
local bufnr

local function buffer_has_rule()
  for _, line in ipairs(vim.api.nvim_buf_get_lines(bufnr, 0, -1, false)) do
    if vim.trim(line) == firewall_rule then return true end
  end
  return false
end

local function apply_preferred(err, actions)
  local client = vim.lsp.get_client_by_id(client_id)
  check('code action request succeeds', err == nil, err and err.message)
  local preferred
  for _, action in ipairs(actions or {}) do
    if action.isPreferred then preferred = action end
  end
  check('a preferred quick fix is offered', preferred ~= nil, #(actions or {}) .. ' actions')
  check('the fix is a quickfix', preferred ~= nil and preferred.kind == 'quickfix')
  if not (preferred and preferred.edit) then return finish() end

  stage = 'wait-cleared'
  vim.lsp.util.apply_workspace_edit(preferred.edit, client.offset_encoding)
  check('the fix inserts the firewall rule', buffer_has_rule())
end

local function request_code_action()
  local finding = findings(open_uri)[1]
  local params = {
    textDocument = { uri = open_uri },
    range = finding.range,
    context = { diagnostics = { finding } },
  }
  local client = vim.lsp.get_client_by_id(client_id)
  client.request('textDocument/codeAction', params, apply_preferred, bufnr)
end

on_published = function()
  if stage == 'wait-findings' then
    if #findings(open_uri) == 0 or #findings(scripted_uri) == 0 then return end
    stage = 'wait-actions'
    check('open file has one finding', #findings(open_uri) == 1, #findings(open_uri) .. ' findings')
    check('unopened file has one finding', #findings(scripted_uri) == 1)
    check('finding is on the resource line', findings(open_uri)[1].range.start.line == 2)
    check('diagnostics reach vim.diagnostic', #vim.diagnostic.get(bufnr) > 0)
    request_code_action()
  elseif stage == 'wait-cleared' and #findings(open_uri) == 0 then
    check('the finding goes after the fix', true)
    check('the unopened file keeps its finding', #findings(scripted_uri) == 1)
    finish()
  end
end

vim.cmd('edit ' .. vim.fn.fnameescape(open_path))
bufnr = vim.api.nvim_get_current_buf()
check('client attaches to the buffer', vim.lsp.buf_attach_client(bufnr, client_id))
