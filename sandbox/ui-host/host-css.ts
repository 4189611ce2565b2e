/** Plain CSS in the spirit of Atlassian's design tokens, so each UI Kit component reads as what it is. */
export const HOST_CSS = `
:root{--text:#172b4d;--subtle:#44546f;--border:#dcdfe4;--brand:#0c66e4;--danger:#c9372c;--success:#22a06b;--warning:#e2b203;--discovery:#6e5dc6;--info:#1d7afc}
*{box-sizing:border-box}
body{margin:0;padding:8px;font:14px/1.45 -apple-system,BlinkMacSystemFont,"Segoe UI",Roboto,system-ui,sans-serif;color:var(--text);background:#fff}
.host-error{background:#ffeceb;border:1px solid var(--danger);color:#5d1f1a;padding:8px;border-radius:4px;margin-bottom:8px;white-space:pre-wrap}
.uk-root,.uk-stack{display:flex;flex-direction:column}
.uk-inline{display:flex;flex-direction:row}
.uk-text{margin:0}
.uk-heading{margin:8px 0 0;font-weight:600;line-height:1.25}
h1.uk-heading{font-size:24px}h2.uk-heading{font-size:20px}h3.uk-heading{font-size:16px}h4.uk-heading{font-size:14px}h5.uk-heading,h6.uk-heading{font-size:12px}
.uk-code{font-family:ui-monospace,SFMono-Regular,Menlo,monospace;font-size:12px;background:#f1f2f4;border-radius:3px;padding:0 4px;word-break:break-all}
.uk-codeblock{font-family:ui-monospace,monospace;font-size:12px;background:#f1f2f4;padding:8px;border-radius:3px;white-space:pre-wrap}
.uk-button{font:inherit;font-weight:500;border:0;border-radius:3px;padding:6px 12px;cursor:pointer;background:#091e420f;color:var(--text);align-self:flex-start}
.uk-button:hover{background:#091e4224}.uk-button:disabled{cursor:not-allowed;opacity:.5}
.uk-button[data-appearance=primary]{background:var(--brand);color:#fff}
.uk-button[data-appearance=danger]{background:var(--danger);color:#fff}
.uk-button[data-appearance=warning]{background:var(--warning)}
.uk-button[data-appearance=subtle]{background:transparent}
.uk-button[data-appearance=link]{background:transparent;color:var(--brand);padding:0}
.uk-button[aria-busy=true]::after{content:" …"}
.uk-link{color:var(--brand)}
.uk-lozenge{display:inline-block;text-transform:uppercase;font-size:11px;font-weight:700;border-radius:3px;padding:0 4px;background:#dfe1e6;color:#44546f;white-space:nowrap}
.uk-lozenge[data-appearance=success]{background:#dcfff1;color:#216e4e}
.uk-lozenge[data-appearance=removed]{background:#ffeceb;color:#ae2e24}
.uk-lozenge[data-appearance=inprogress]{background:#e9f2ff;color:#0055cc}
.uk-lozenge[data-appearance=new]{background:#f3f0ff;color:#5e4db2}
.uk-lozenge[data-appearance=moved]{background:#fff7d6;color:#a54800}
.uk-badge{display:inline-block;border-radius:8px;padding:0 6px;background:#dfe1e6;font-size:12px}
.uk-user{font-weight:600}
.uk-user::before{content:'';display:inline-block;width:14px;height:14px;border-radius:50%;background:#8590a2;margin-right:4px;vertical-align:-2px}
.uk-tag{display:inline-block;border:1px solid var(--border);border-radius:3px;padding:0 4px;font-size:12px}
.uk-sectionmessage{border-radius:3px;padding:12px 16px;background:#e9f2ff;border-left:4px solid var(--info);display:flex;flex-direction:column;gap:4px}
.uk-sectionmessage[data-appearance=success]{background:#dcfff1;border-color:var(--success)}
.uk-sectionmessage[data-appearance=warning]{background:#fff7d6;border-color:var(--warning)}
.uk-sectionmessage[data-appearance=error]{background:#ffeceb;border-color:var(--danger)}
.uk-sectionmessage[data-appearance=discovery]{background:#f3f0ff;border-color:var(--discovery)}
.uk-title{display:block;font-weight:600}
.uk-spinner{display:inline-block;width:20px;height:20px;border:3px solid #dcdfe4;border-top-color:var(--brand);border-radius:50%;animation:uk-spin .8s linear infinite}
@keyframes uk-spin{to{transform:rotate(360deg)}}
.uk-textfield,.uk-textarea,.uk-select,.uk-datepicker{font:inherit;border:2px solid var(--border);border-radius:3px;padding:4px 6px;background:#fafbfc;width:100%;max-width:480px;color:var(--text)}
.uk-textarea{min-height:64px}.uk-select[multiple]{min-height:90px}
.uk-textfield:focus,.uk-textarea:focus,.uk-select:focus{border-color:var(--brand);outline:none;background:#fff}
[aria-invalid=true]{border-color:var(--danger)!important}
.uk-checkbox,.uk-toggle{display:flex;gap:6px;align-items:center}
.uk-radiogroup{display:flex;flex-direction:column;gap:2px}
.uk-label{font-size:12px;font-weight:600;color:var(--subtle)}
.uk-helpermessage{font-size:12px;color:var(--subtle)}
.uk-errormessage{font-size:12px;color:var(--danger)}.uk-errormessage::before{content:"⚠ "}
.uk-validmessage{font-size:12px;color:var(--success)}
.uk-form{display:flex;flex-direction:column;gap:8px}
.uk-formsection,.uk-formfooter{display:flex;flex-direction:column;gap:8px}
.uk-progressbar{height:6px;border-radius:3px;background:#dcdfe4;position:relative;overflow:hidden}
.uk-progressbar::after{content:"";position:absolute;inset:0 auto 0 0;width:var(--progress);background:var(--brand)}
.uk-emptystate{text-align:center;color:var(--subtle);padding:16px}
.uk-unknown{border:2px dashed var(--danger);background:#ffeceb;padding:6px;border-radius:3px}
.uk-unknown-label{display:block;color:#ae2e24;font-size:12px}
`;
