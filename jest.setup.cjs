// The pinned AWS SDK v3 warns on every client that releases after early January 2027 need Node 22;
// the lockfile pins versions that support Node 20, so the warning is noise in test output.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = 'true';
