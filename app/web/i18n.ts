// The notebook page's words in English and Japanese. The server picks the language (the ?lang= switch
// of the index, else the browser's Accept-Language) and writes it on #app as data-lang.
export type UiLanguage = 'en' | 'ja';

const en = {
  runAll: 'Run all', runAllTitle: 'Run every cell from the top (stops at an error)',
  runCell: 'Run cell', runCellTitle: 'Run the selected cell (Shift-Enter)',
  interrupt: 'Interrupt', interruptTitle: 'Interrupt the kernel (I, I)',
  restart: 'Restart kernel', restartTitle: 'Restart the kernel: every variable is lost (0, 0)',
  save: 'Save', saveTitle: 'Save the notebook (Ctrl-S)',
  revert: 'Revert to original', revertTitle: 'Put back the committed version of this notebook',
  unsaved: 'unsaved changes',
  chapters: '☰ Chapters', chaptersTitle: 'All chapters',
  noTraces: 'No requests yet. Every request a cell sends to the lab server shows up here; click one to open its full trace.',
  traces: 'Traces', exercises: 'Exercises',
  exercisesCount: (solved: number, total: number) => `Exercises (${solved}/${total})`,
  kernel: (status: string) => `kernel ${status}`,
  kernelDead: (reason: string | undefined) => `kernel dead${reason ? ` (${reason})` : ''}`,
  reconnecting: 'reconnecting to the app',
  diedDuringRunAll: 'The kernel died during Run all: restart it with "Restart kernel".',
  stoppedAt: (n: number) => `Run all stopped at cell ${n}: it raised an error (see its output).`,
  notRestarted: (why: string) => `The kernel could not be restarted: ${why}`,
  saved: 'Saved.',
  notSaved: (why: string) => `Not saved: ${why}. Your edits are still here; try again.`,
  confirmRevert: (file: string) => `Revert ${file} to its original (committed) version? Your changes to this notebook are lost.`,
  notReverted: (why: string) => `Not reverted: ${why}`,
  reverted: 'Reverted to the original.',
  openTrace: "Open the full trace in the lab's trace viewer",
  noExercises: 'This chapter has no graded exercises.',
  checkChapter: 'Check this chapter', checkChapterTitle: 'Run the official checks of every exercise of this chapter',
  checking: 'Checking…',
  checkFailed: (why: string) => `The check could not run: ${why}`,
  allHints: 'All hints shown', hint: (n: number, of: number) => `Hint ${n} of ${of}`, hintTitle: 'Show the next hint',
  reset: 'Reset', resetTitle: 'Put this exercise back to its starting file',
  confirmReset: (file: string) => `Reset ${file} to its starting version? Your edits to it are lost.`,
  isReset: (file: string) => `${file} is back to its starting version.`,
  notReset: (why: string) => `Not reset: ${why}`,
  points: (n: number) => ` · ${n} points`,
  check: 'Check', checkTitle: (id: string) => `Run the official checks of ${id}`,
  cannotOpen: 'This notebook cannot be opened',
  leftAsIs: 'The file on disk is left as it is. Fix it in an editor (or use "Revert to original"), then reload this page.',
};

export type UiWords = typeof en;

const ja: UiWords = {
  runAll: 'すべて実行', runAllTitle: '先頭からすべてのセルを実行します (エラーで止まります)',
  runCell: 'セルを実行', runCellTitle: '選択中のセルを実行します (Shift-Enter)',
  interrupt: '中断', interruptTitle: 'カーネルを中断します (I, I)',
  restart: 'カーネル再起動', restartTitle: 'カーネルを再起動します。変数はすべて失われます (0, 0)',
  save: '保存', saveTitle: 'ノートブックを保存します (Ctrl-S)',
  revert: '元に戻す', revertTitle: 'コミット済みの版に戻します',
  unsaved: '未保存の変更あり',
  chapters: '☰ 章の一覧', chaptersTitle: 'すべての章',
  noTraces: 'まだリクエストはありません。セルがラボサーバーに送ったリクエストがここに並びます。クリックするとトレース全体が開きます。',
  traces: 'トレース', exercises: '演習',
  exercisesCount: (solved, total) => `演習 (${solved}/${total})`,
  kernel: (status) => `カーネル: ${({ starting: '起動中', idle: '待機中', busy: '実行中', dead: '停止' } as Record<string, string>)[status] ?? status}`,
  kernelDead: (reason) => `カーネル: 停止${reason ? ` (${reason})` : ''}`,
  reconnecting: 'アプリに再接続しています',
  diedDuringRunAll: '「すべて実行」の途中でカーネルが停止しました。「カーネル再起動」で再起動してください。',
  stoppedAt: (n) => `「すべて実行」はセル ${n} で止まりました。エラーが発生しています (出力を見てください)。`,
  notRestarted: (why) => `カーネルを再起動できませんでした: ${why}`,
  saved: '保存しました。',
  notSaved: (why) => `保存できませんでした: ${why}。編集内容はこのページに残っています。もう一度試してください。`,
  confirmRevert: (file) => `${file} をコミット済みの版に戻しますか? このノートブックへの変更は失われます。`,
  notReverted: (why) => `元に戻せませんでした: ${why}`,
  reverted: '元の版に戻しました。',
  openTrace: 'ラボのトレースビューアーでトレース全体を開きます',
  noExercises: 'この章には採点つきの演習はありません。',
  checkChapter: 'この章を採点', checkChapterTitle: 'この章のすべての演習に公式のチェックを実行します',
  checking: '採点中…',
  checkFailed: (why) => `採点を実行できませんでした: ${why}`,
  allHints: 'ヒントはすべて表示済み', hint: (n, of) => `ヒント ${n} / ${of}`, hintTitle: '次のヒントを表示します',
  reset: 'リセット', resetTitle: 'この演習を最初のファイルに戻します',
  confirmReset: (file) => `${file} を最初の版に戻しますか? このファイルへの編集は失われます。`,
  isReset: (file) => `${file} を最初の版に戻しました。`,
  notReset: (why) => `リセットできませんでした: ${why}`,
  points: (n) => ` · ${n} 点`,
  check: '採点', checkTitle: (id) => `${id} の公式チェックを実行します`,
  cannotOpen: 'このノートブックは開けません',
  leftAsIs: 'ディスク上のファイルはそのままです。エディターで直す (または「元に戻す」を使う) と、このページを再読み込みできます。',
};

export const UI_WORDS: Readonly<Record<UiLanguage, UiWords>> = { en, ja };

/** The page's language, as the server wrote it on #app (English when absent). */
export function uiLanguage(root: HTMLElement): UiLanguage {
  return root.dataset.lang === 'ja' ? 'ja' : 'en';
}

/**
 * A button's accessible name: its visible words, and in Japanese also the English name that the
 * project's tests and external checks rely on ("すべて実行 (Run all)").
 */
export function accessibleName(language: UiLanguage, key: keyof UiWords): string | undefined {
  const words = UI_WORDS[language][key];
  return language === 'en' || typeof words !== 'string' ? undefined : `${words} (${en[key] as string})`;
}
