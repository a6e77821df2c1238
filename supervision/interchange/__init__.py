"""Case interchange between deployments of this platform (issue 15, item 8): a JSON package of one case,
validated by a JSON Schema kept in the repository (``schema/case-v1.json``), for a change of the place of
execution (执行地变更). See docs/interchange.md."""
